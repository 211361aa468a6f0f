#!/usr/bin/python3
# run.py: run a helper through CamProcess from Python, react to "finished"
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   run.py [PROGRAM [ARG…]]
#
# The same as examples/run.c, through GObject Introspection: starts the
# helper (default: /usr/bin/tr a-z A-Z) in a sandbox (Cam.ProcessFlags.SANDBOX:
# its own user namespace, no network, no new privileges, killed with its
# parent; never host root) with pipes on its standard input and output,
# feeds it a line, prints what it writes back and the "finished" signal.
# The exit status is 0 only if the helper exited with 0, and 77 (a skip for
# `meson test`) where the system does not allow user namespaces.
# From a build tree: GI_TYPELIB_PATH=build/lib LD_LIBRARY_PATH=build/lib.

import sys

import gi

gi.require_version("Cam", "1")
from gi.repository import Cam, Gio, GLib  # noqa: E402

EXIT_SKIP = 77  # what `meson test` counts as a skipped test


def main(argv):
    helper_argv = argv[1:] or ["/usr/bin/tr", "a-z", "A-Z"]
    loop = GLib.MainLoop()
    succeeded = False

    def on_finished(process, status, code):
        print(f"finished: status={status.value_name} code={code}")

    # Comes after "finished": communicate also waits for the exit.
    def on_communicated(process, result):
        nonlocal succeeded
        try:
            _, output, _ = process.communicate_finish(result)
        except GLib.Error as error:
            print(f"run.py: {error.message}", file=sys.stderr)
        else:
            print(f"output: {output.get_data().decode()}", end="")
            succeeded = (process.props.exit_status ==
                         Cam.ProcessExitStatus.NORMAL_EXIT and
                         process.props.exit_code == 0)
        loop.quit()

    # Cam.Process.new(argv, stdio_flags) takes the stdio flags only; other
    # properties, such as the sandbox flags, go to the GObject constructor,
    # and init() then starts the child.
    process = Cam.Process(argv=helper_argv,
                          flags=Cam.ProcessFlags.SANDBOX,
                          stdio_flags=(Cam.ProcessStdioFlags.STDIN_PIPE |
                                       Cam.ProcessStdioFlags.STDOUT_PIPE))
    try:
        process.init(None)
    except GLib.Error as error:
        print(f"run.py: {error.message}", file=sys.stderr)
        if error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_SUPPORTED):
            return EXIT_SKIP
        return 1

    process.connect("finished", on_finished)
    process.communicate_async(GLib.Bytes.new(b"hello from camprocess\n"),
                              None, on_communicated)
    loop.run()
    return 0 if succeeded else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
