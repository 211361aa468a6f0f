#!/usr/bin/gjs -m
// run.js: run a helper through CamProcess from GJS, react to "finished"
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
//   gjs -m run.js [PROGRAM [ARG…]]
//
// The same as examples/run.c and run.py: starts the helper (default:
// /usr/bin/tr a-z A-Z) in a sandbox (Cam.ProcessFlags.SANDBOX: its own
// user namespace, no network, no new privileges, killed with its parent;
// never host root) with pipes on its standard input and output, feeds it
// a line, prints what it writes back and the "finished" signal.  The exit
// status is 0 only if the helper exited with 0, and 77 (a skip for
// `meson test`) where the system does not allow user namespaces.
// From a build tree: GI_TYPELIB_PATH=build/lib LD_LIBRARY_PATH=build/lib.

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import GObject from 'gi://GObject';
import Cam from 'gi://Cam?version=1';
import System from 'system';

const EXIT_SKIP = 77; // what `meson test` counts as a skipped test

// A child that exits without reading all its input makes the write raise
// SIGPIPE, which kills GJS (Python ignores it): GLib ignores it once the
// GSocket class exists.
GObject.type_ensure(Gio.Socket.$gtype);

// communicate_async () returns a Promise when called without a callback.
Gio._promisify(Cam.Process.prototype, 'communicate_async', 'communicate_finish');

async function main(args) {
    const argv = args.length > 0 ? args : ['/usr/bin/tr', 'a-z', 'A-Z'];

    // Cam.Process.new (argv, stdio_flags) takes the stdio flags only; other
    // properties, such as the sandbox flags, go to the GObject constructor,
    // and init () then starts the child.
    const process = new Cam.Process({
        argv,
        flags: Cam.ProcessFlags.SANDBOX,
        stdio_flags: Cam.ProcessStdioFlags.STDIN_PIPE | Cam.ProcessStdioFlags.STDOUT_PIPE,
    });
    try {
        process.init(null);
    } catch (error) {
        printerr(`run.js: ${error.message}`);
        return error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_SUPPORTED) ? EXIT_SKIP : 1;
    }

    process.connect('finished', (_process, status, code) => {
        const name = GObject.enum_to_string(Cam.ProcessExitStatus.$gtype, status);
        print(`finished: status=${name} code=${code}`);
    });

    // Resolves after "finished": communicate also waits for the exit.
    let output;
    try {
        [output] = await process.communicate_async(
            new GLib.Bytes(new TextEncoder().encode('hello from camprocess\n')), null);
    } catch (error) {
        printerr(`run.js: ${error.message}`);
        return 1;
    }
    print(`output: ${new TextDecoder().decode(output.toArray()).trimEnd()}`);
    return process.exit_status === Cam.ProcessExitStatus.NORMAL_EXIT &&
        process.exit_code === 0 ? 0 : 1;
}

const loop = new GLib.MainLoop(null, false);
let exitCode = 1;
main(ARGV).then(code => {
    exitCode = code;
}).catch(error => {
    printerr(`run.js: ${error}`);
}).finally(() => loop.quit());
loop.run();
System.exit(exitCode);
