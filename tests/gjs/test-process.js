// test-process.js: CamProcess from GJS, through GObject Introspection
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Run by `meson test` (suite gjs) as an ES module (gjs -m) with
// GI_TYPELIB_PATH and LD_LIBRARY_PATH on build/lib and CAM_TEST_HELPER
// naming cam-test-helper; see tests/gjs/meson.build.  It prints TAP.
// Each case is an async function; one that takes longer than TIMEOUT_MS
// fails instead of hanging.

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Cam from 'gi://Cam?version=1';
import System from 'system';

const HELPER = GLib.getenv('CAM_TEST_HELPER');
const TIMEOUT_MS = 10000;
const SIGKILL = 9;
const SIGTERM = 15;

Gio._promisify(Cam.Process.prototype, 'communicate_async', 'communicate_finish');
Gio._promisify(Cam.Process.prototype, 'wait_async', 'wait_finish');
Gio._promisify(Cam.Process.prototype, 'wait_check_async', 'wait_check_finish');
Gio._promisify(Cam.Process.prototype, 'terminate_async', 'terminate_finish');
Gio._promisify(Gio.DataInputStream.prototype, 'read_line_async', 'read_line_finish_utf8');

function assertEqual(actual, expected, what) {
    if (actual !== expected)
        throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

// Starts a child that ignores SIGTERM and returns once it does: a shell
// ignores it, says "ready" on a stdout pipe and becomes the helper, which
// keeps the disposition.  (The helper's own ready fd needs a pipe that
// GJS cannot create.)
async function startTermIgnorer() {
    const process = Cam.Process.new(
        ['/bin/sh', '-c', 'trap "" TERM; echo ready; exec "$0" sleep', HELPER],
        Cam.ProcessStdioFlags.STDOUT_PIPE);
    const stdout = new Gio.DataInputStream({base_stream: process.get_stdout_pipe()});
    const [line] = await stdout.read_line_async(GLib.PRIORITY_DEFAULT, null);
    assertEqual(line, 'ready', 'first line of the child');
    return process;
}

// The helper waiting for a signal; start () returns after the exec, and
// it does not handle SIGTERM.
function startSleeper() {
    return Cam.Process.new([HELPER, 'sleep'], Cam.ProcessStdioFlags.NONE);
}

const tests = {
    async 'finished in the main loop'() {
        const process = new Cam.Process();
        const finished = new Promise(resolve => {
            process.connect('finished', (_process, status, code) => resolve([status, code]));
        });
        process.start(HELPER, [HELPER, 'exit', '3'], null);
        const [status, code] = await finished;
        assertEqual(status, Cam.ProcessExitStatus.NORMAL_EXIT, 'status');
        assertEqual(code, 3, 'code');
        assertEqual(process.running, false, 'running');
        assertEqual(process.exit_code, 3, 'exit-code');
    },

    async 'communicate_async through a pipe'() {
        const process = Cam.Process.new([HELPER, 'cat'],
            Cam.ProcessStdioFlags.STDIN_PIPE | Cam.ProcessStdioFlags.STDOUT_PIPE);
        const input = new TextEncoder().encode('hello from gjs\n'.repeat(10000));
        // GJS drops the boolean of a call that throws on failure.
        const [stdout, stderr] = await process.communicate_async(
            new GLib.Bytes(input), null);
        assertEqual(stderr, null, 'stderr without a pipe');
        assertEqual(new TextDecoder().decode(stdout.toArray()),
            new TextDecoder().decode(input), 'output');
        assertEqual(process.exit_status, Cam.ProcessExitStatus.NORMAL_EXIT, 'status');
        assertEqual(process.exit_code, 0, 'code');
    },

    async 'wait_check_async fails on a non-zero exit'() {
        const process = Cam.Process.new([HELPER, 'exit', '3'], Cam.ProcessStdioFlags.NONE);
        try {
            await process.wait_check_async(null);
        } catch (error) {
            if (!error.matches(Cam.ProcessError, Cam.ProcessError.EXITED))
                throw error;
            assertEqual(error.message, 'The child process exited with code 3', 'message');
            return;
        }
        throw new Error('wait_check_async succeeded for exit code 3');
    },

    async 'wait_check_async fails on a signal'() {
        const process = startSleeper();
        process.kill();
        try {
            await process.wait_check_async(null);
        } catch (error) {
            if (!error.matches(Cam.ProcessError, Cam.ProcessError.SIGNALED))
                throw error;
            return;
        }
        throw new Error('wait_check_async succeeded for a killed child');
    },

    async 'wait_check_async succeeds on exit 0'() {
        const process = Cam.Process.new([HELPER, 'exit', '0'], Cam.ProcessStdioFlags.NONE);
        assertEqual(await process.wait_check_async(null), true, 'wait_check result');
    },

    async 'terminate_async stops with SIGTERM'() {
        const process = startSleeper();
        assertEqual(await process.terminate_async(5000, null), true, 'terminate result');
        assertEqual(process.exit_status, Cam.ProcessExitStatus.SIGNAL_EXIT, 'status');
        assertEqual(process.exit_code, SIGTERM, 'signal');
    },

    async 'terminate_async escalates to SIGKILL'() {
        const process = await startTermIgnorer();
        assertEqual(await process.terminate_async(200, null), true, 'terminate result');
        assertEqual(process.exit_status, Cam.ProcessExitStatus.SIGNAL_EXIT, 'status');
        assertEqual(process.exit_code, SIGKILL, 'signal');
    },

    async 'cancelling a wait keeps the child'() {
        const process = startSleeper();
        const cancellable = new Gio.Cancellable();
        const wait = process.wait_async(cancellable);
        cancellable.cancel();
        try {
            await wait;
            throw new Error('a cancelled wait succeeded');
        } catch (error) {
            if (!error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED))
                throw error;
        }
        assertEqual(process.running, true, 'running after the cancel');
        process.kill();
        assertEqual(await process.wait_async(null), true, 'wait result');
        assertEqual(process.exit_code, SIGKILL, 'signal');
    },
};

function withTimeout(promise) {
    let id;
    const timeout = new Promise((_resolve, reject) => {
        id = GLib.timeout_add(GLib.PRIORITY_DEFAULT, TIMEOUT_MS, () => {
            reject(new Error(`timed out after ${TIMEOUT_MS} ms`));
            return GLib.SOURCE_REMOVE;
        });
    });
    return Promise.race([promise, timeout]).finally(() => GLib.source_remove(id));
}

async function runTests() {
    const names = Object.keys(tests);
    let failures = 0;

    print(`1..${names.length}`);
    for (const [i, name] of names.entries()) {
        try {
            await withTimeout(tests[name]());
            print(`ok ${i + 1} - ${name}`);
        } catch (error) {
            failures++;
            print(`not ok ${i + 1} - ${name}`);
            for (const line of `${error}\n${error.stack ?? ''}`.trimEnd().split('\n'))
                print(`# ${line}`);
        }
    }
    return failures;
}

const loop = new GLib.MainLoop(null, false);
let exitCode = 1;
runTests().then(failures => {
    exitCode = failures > 0 ? 1 : 0;
}).catch(error => {
    printerr(error);
}).finally(() => loop.quit());
loop.run();
System.exit(exitCode);
