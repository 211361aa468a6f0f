// test-lifetime.js: the lifetime of a dropped CamProcess under GJS's
// garbage collector (System.gc()), as a TAP test
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Run by `meson test` (suite gjs) with GI_TYPELIB_PATH and LD_LIBRARY_PATH
// on build/lib and CAM_TEST_HELPER naming cam-test-helper; see
// tests/gjs/meson.build.

imports.gi.versions.Cam = '1';
const {Cam, GLib} = imports.gi;
const System = imports.system;

const HELPER = GLib.getenv('CAM_TEST_HELPER');
const TIMEOUT_MS = 10000;

let failures = 0;
let testNumber = 0;

function check(condition, what) {
    if (!condition)
        throw new Error(`${what} does not hold`);
}

function runTest(name, func) {
    testNumber++;
    try {
        func();
        print(`ok ${testNumber} - ${name}`);
    } catch (e) {
        failures++;
        print(`not ok ${testNumber} - ${name}`);
        for (const line of `${e}\n${e.stack}`.split('\n'))
            print(`# ${line}`);
    }
}

// The children of the main thread, which started them (zombies too).
function children() {
    const pid = GLib.file_read_link('/proc/self');
    const [, contents] = GLib.file_get_contents(`/proc/self/task/${pid}/children`);
    return new TextDecoder().decode(contents).trim();
}

function alive(pid) {
    try {
        const [, contents] = GLib.file_get_contents(`/proc/${pid}/stat`);
        const stat = new TextDecoder().decode(contents);
        return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch (e) {
        return false;
    }
}

// Starts the helper's cat mode with pipes and keeps no reference to the
// process object: only its pipes and its pid come back.
function startDroppedCat(flags) {
    const process = new Cam.Process();
    process.set_flags(flags);
    process.set_stdio_flags(Cam.ProcessStdioFlags.STDIN_PIPE |
                            Cam.ProcessStdioFlags.STDOUT_PIPE);
    process.start(HELPER, [HELPER, 'cat'], null);
    return [process.get_stdin_pipe(), process.get_stdout_pipe(),
        process.get_pid()];
}

function readToEof(stream) {
    let text = '';
    for (;;) {
        const bytes = stream.read_bytes(4096, null);
        if (bytes.get_size() === 0)
            return text;
        text += new TextDecoder().decode(bytes.toArray());
    }
}

// Iterates the default context until condition() holds, within TIMEOUT_MS.
function iterateUntil(condition, what) {
    const context = GLib.MainContext.default();
    const deadline = GLib.get_monotonic_time() + TIMEOUT_MS * 1000;
    const id = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 50, () => GLib.SOURCE_CONTINUE);
    while (!condition() && GLib.get_monotonic_time() < deadline)
        context.iteration(true);
    GLib.source_remove(id);
    check(condition(), what);
}

print('1..2');

runTest('a dropped process runs to the end, as with Gio.Subprocess', () => {
    const [stdin, stdout, pid] = startDroppedCat(Cam.ProcessFlags.NONE);
    System.gc();
    iterateUntil(() => true, 'nothing');
    check(alive(pid), 'the child runs after System.gc()');
    stdin.write_bytes(new GLib.Bytes(new TextEncoder().encode('hello\n')), null);
    stdin.close(null);
    check(readToEof(stdout) === 'hello\n', 'the child echoed its input');
    iterateUntil(() => children() === '', 'the child is reaped');
});

runTest('KILL_ON_DISPOSE: garbage collection kills the child', () => {
    const [, stdout, pid] = startDroppedCat(Cam.ProcessFlags.KILL_ON_DISPOSE);
    System.gc();
    iterateUntil(() => children() === '', 'the child is killed and reaped');
    check(!alive(pid), 'the child is gone');
    check(readToEof(stdout) === '', 'the child echoed nothing');
});

if (failures > 0)
    System.exit(1);
