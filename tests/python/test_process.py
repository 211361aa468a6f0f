#!/usr/bin/python3
# test_process.py: CamProcess from Python, through GObject Introspection
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Run by `meson test` (suite python) with GI_TYPELIB_PATH and
# LD_LIBRARY_PATH on build/lib and CAM_TEST_HELPER naming cam-test-helper;
# see tests/python/meson.build.  Every wait in a main loop fails the test
# after TIMEOUT_MS instead of hanging.

import gc
import os
import random
import signal
import unittest

import gi

gi.require_version("Cam", "1")
gi.require_version("Gio", "2.0")
from gi.repository import Cam, Gio, GLib  # noqa: E402

HELPER = os.environ["CAM_TEST_HELPER"]
TIMEOUT_MS = 10000
IO_ERROR = "g-io-error-quark"
PROCESS_ERROR = "cam-process-error-quark"


class ProcessTestCase(unittest.TestCase):
    def setUp(self):
        self.loop = GLib.MainLoop()
        self.processes = []

    def tearDown(self):
        # Leave no child behind, even when a test fails half-way.
        for process in self.processes:
            if process.props.running:
                process.kill()
                process.wait(None)

    def track(self, process):
        self.processes.append(process)
        return process

    def run_loop(self):
        """Runs the loop until a callback quits it, or fails after TIMEOUT_MS."""
        timed_out = []

        def on_timeout():
            timed_out.append(True)
            self.loop.quit()
            return GLib.SOURCE_REMOVE

        source_id = GLib.timeout_add(TIMEOUT_MS, on_timeout)
        self.loop.run()
        if not timed_out:
            GLib.source_remove(source_id)
        self.assertFalse(timed_out, "main loop timed out")

    def start_sleeper(self, mode="sleep"):
        """Starts the helper in mode sleep or ignore-term and returns once it
        is ready, passing the write end of a pipe in the fd list."""
        read_fd, write_fd = os.pipe()
        process = self.track(Cam.Process())
        try:
            process.start(HELPER, [HELPER, mode, str(write_fd)], [write_fd])
        finally:
            os.close(write_fd)
        with os.fdopen(read_fd, "rb") as ready:
            self.assertEqual(ready.readline(), b"ready\n")
        return process

    def assertIOError(self, error, code):
        self.assertEqual(error.domain, IO_ERROR)
        self.assertEqual(error.code, int(code))


class TestFinished(ProcessTestCase):
    def test_finished_in_main_loop(self):
        process = self.track(Cam.Process.new([HELPER, "exit", "3"],
                                             Cam.ProcessStdioFlags.NONE))
        self.assertTrue(process.props.running)
        self.assertGreater(process.props.pid, 0)
        emissions = []

        def on_finished(process, status, code):
            emissions.append((status, code, process.props.running))
            self.loop.quit()

        process.connect("finished", on_finished)
        self.run_loop()
        self.assertEqual(emissions,
                         [(Cam.ProcessExitStatus.NORMAL_EXIT, 3, False)])
        self.assertEqual(process.props.exit_status,
                         Cam.ProcessExitStatus.NORMAL_EXIT)
        self.assertEqual(process.props.exit_code, 3)

    def test_kill(self):
        process = self.start_sleeper()
        emissions = []

        def on_finished(process, status, code):
            emissions.append((status, code))
            self.loop.quit()

        process.connect("finished", on_finished)
        process.kill()
        self.run_loop()
        self.assertEqual(emissions,
                         [(Cam.ProcessExitStatus.SIGNAL_EXIT, signal.SIGKILL)])


class TestWait(ProcessTestCase):
    def test_wait_async(self):
        process = self.track(Cam.Process.new([HELPER, "exit", "7"],
                                             Cam.ProcessStdioFlags.NONE))
        events = []
        process.connect("finished", lambda *args: events.append("finished"))

        def on_waited(process, result):
            events.append(("waited", process.wait_finish(result)))
            self.loop.quit()

        process.wait_async(None, on_waited)
        self.run_loop()
        self.assertEqual(events, ["finished", ("waited", True)])
        self.assertEqual(process.props.exit_code, 7)

    def test_wait_async_cancel_leaves_child_running(self):
        process = self.start_sleeper()
        cancellable = Gio.Cancellable()
        errors = []

        def on_waited(process, result):
            with self.assertRaises(GLib.Error) as caught:
                process.wait_finish(result)
            errors.append(caught.exception)
            self.loop.quit()

        process.wait_async(cancellable, on_waited)
        cancellable.cancel()
        self.run_loop()
        self.assertIOError(errors[0], Gio.IOErrorEnum.CANCELLED)
        self.assertTrue(process.props.running)

        process.send_signal(signal.SIGTERM)
        self.assertTrue(process.wait(None))
        self.assertEqual(process.props.exit_status,
                         Cam.ProcessExitStatus.SIGNAL_EXIT)
        self.assertEqual(process.props.exit_code, signal.SIGTERM)

    def test_wait_check_error(self):
        process = self.track(Cam.Process.new([HELPER, "exit", "3"],
                                             Cam.ProcessStdioFlags.NONE))
        errors = []

        def on_checked(process, result):
            try:
                process.wait_check_finish(result)
            except GLib.Error as error:
                errors.append(error)
            self.loop.quit()

        process.wait_check_async(None, on_checked)
        self.run_loop()
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0].domain, PROCESS_ERROR)
        self.assertEqual(errors[0].code, int(Cam.ProcessError.EXITED))
        self.assertTrue(errors[0].matches(Cam.ProcessError.quark(),
                                          Cam.ProcessError.EXITED))
        self.assertEqual(errors[0].message,
                         "The child process exited with code 3")

    def test_wait_check_signal(self):
        process = self.start_sleeper()
        process.kill()
        with self.assertRaises(GLib.Error) as caught:
            process.wait_check(None)
        self.assertEqual(caught.exception.domain, PROCESS_ERROR)
        self.assertEqual(caught.exception.code, int(Cam.ProcessError.SIGNALED))
        self.assertIn("signal 9", caught.exception.message)

    def test_terminate_escalates_to_sigkill(self):
        process = self.start_sleeper("ignore-term")
        results = []

        def on_terminated(process, result):
            results.append(process.terminate_finish(result))
            self.loop.quit()

        process.terminate_async(200, None, on_terminated)
        self.run_loop()
        self.assertEqual(results, [True])
        self.assertEqual(process.props.exit_status,
                         Cam.ProcessExitStatus.SIGNAL_EXIT)
        self.assertEqual(process.props.exit_code, signal.SIGKILL)


class TestPipes(ProcessTestCase):
    def test_communicate(self):
        data = random.Random(4).randbytes(4 * 1024 * 1024)
        process = self.track(Cam.Process.new(
            [HELPER, "cat"],
            Cam.ProcessStdioFlags.STDIN_PIPE | Cam.ProcessStdioFlags.STDOUT_PIPE))
        results = []

        def on_communicated(process, result):
            results.append(process.communicate_finish(result))
            self.loop.quit()

        process.communicate_async(GLib.Bytes.new(data), None, on_communicated)
        self.run_loop()
        ok, out, err = results[0]
        self.assertTrue(ok)
        self.assertIsNone(err)
        self.assertEqual(out.get_size(), len(data))
        self.assertEqual(out.get_data(), data)
        self.assertEqual(process.props.exit_code, 0)

    def test_streams(self):
        process = self.track(Cam.Process())
        process.props.stdio_flags = (Cam.ProcessStdioFlags.STDOUT_PIPE |
                                     Cam.ProcessStdioFlags.STDERR_MERGE)
        self.assertIsNone(process.get_stdout_pipe())
        process.start(HELPER, [HELPER, "print-args", "2"], [])
        stdout = process.get_stdout_pipe()
        self.assertIsInstance(stdout, Gio.InputStream)
        self.assertIsNone(process.get_stdin_pipe())
        self.assertIsNone(process.get_stderr_pipe())

        # print-args writes to fd 2, which the merge sends to the pipe.
        received = b""
        while True:
            chunk = stdout.read_bytes(65536, None).get_data()
            if not chunk:
                break
            received += chunk
        self.assertEqual(received, f"{HELPER}\nprint-args\n2\n".encode())
        self.assertTrue(process.wait_check(None))


class TestConstruction(ProcessTestCase):
    def test_initable(self):
        process = self.track(Cam.Process(argv=[HELPER, "exit", "4"]))
        self.assertFalse(process.props.running)
        self.assertTrue(process.init(None))
        self.assertTrue(process.props.running)
        self.assertTrue(process.wait(None))
        self.assertEqual(process.props.exit_code, 4)
        # init() runs once.
        self.assertTrue(process.init(None))
        self.assertFalse(process.props.running)

    def test_idle(self):
        process = Cam.Process()
        self.assertFalse(process.props.running)
        self.assertEqual(process.props.pid, 0)
        self.assertEqual(process.props.exit_status,
                         Cam.ProcessExitStatus.NOT_EXITED)
        self.assertEqual(process.props.stdio_flags, Cam.ProcessStdioFlags.NONE)


class TestErrors(ProcessTestCase):
    def test_missing_program(self):
        with self.assertRaises(GLib.Error) as caught:
            Cam.Process.new(["/nonexistent/program"], Cam.ProcessStdioFlags.NONE)
        self.assertIOError(caught.exception, Gio.IOErrorEnum.NOT_FOUND)
        self.assertIn("“/nonexistent/program”", caught.exception.message)

    def test_missing_directory(self):
        process = Cam.Process()
        process.set_cwd("/nonexistent/directory")
        with self.assertRaises(GLib.Error) as caught:
            process.start(HELPER, [HELPER, "exit", "0"], [])
        self.assertIOError(caught.exception, Gio.IOErrorEnum.NOT_FOUND)
        self.assertIn("“/nonexistent/directory”", caught.exception.message)
        self.assertFalse(process.props.running)

    def test_bad_fd(self):
        closed_fd = 999
        with self.assertRaises(OSError):
            os.fstat(closed_fd)
        process = Cam.Process()
        with self.assertRaises(GLib.Error) as caught:
            process.start(HELPER, [HELPER, "exit", "0"], [closed_fd])
        self.assertIOError(caught.exception, Gio.IOErrorEnum.INVALID_ARGUMENT)

    def test_empty_argv(self):
        # One rule for start(), new() and init(): a GError, no critical.
        process = Cam.Process()
        with self.assertRaises(GLib.Error) as caught:
            process.start(HELPER, [], [])
        self.assertIOError(caught.exception, Gio.IOErrorEnum.INVALID_ARGUMENT)
        self.assertFalse(process.props.running)

        with self.assertRaises(GLib.Error) as caught:
            Cam.Process.new([], Cam.ProcessStdioFlags.NONE)
        self.assertIOError(caught.exception, Gio.IOErrorEnum.INVALID_ARGUMENT)

        process = Cam.Process(argv=[])
        with self.assertRaises(GLib.Error) as caught:
            process.init(None)
        self.assertIOError(caught.exception, Gio.IOErrorEnum.INVALID_ARGUMENT)
        self.assertFalse(process.props.running)

    def test_signal_without_child(self):
        process = Cam.Process()
        with self.assertRaises(GLib.Error) as caught:
            process.send_signal(signal.SIGTERM)
        self.assertIOError(caught.exception, Gio.IOErrorEnum.NOT_CONNECTED)

    def test_invalid_signal(self):
        process = self.start_sleeper()
        with self.assertRaises(GLib.Error) as caught:
            process.send_signal(1000)
        self.assertIOError(caught.exception, Gio.IOErrorEnum.INVALID_ARGUMENT)

    def test_start_while_running(self):
        process = self.start_sleeper()
        with self.assertRaises(GLib.Error) as caught:
            process.start(HELPER, [HELPER, "exit", "0"], [])
        self.assertIOError(caught.exception, Gio.IOErrorEnum.PENDING)


class TestSearchPath(ProcessTestCase):
    def test_new_true(self):
        # The GSubprocess idiom: a bare name, searched in PATH.
        process = self.track(Cam.Process.new(["true"], 0))
        self.assertTrue(process.wait_check(None))

    def test_start_bare_name(self):
        process = self.track(Cam.Process())
        process.start("sh", ["sh", "-c", "exit 3"], [])
        self.assertTrue(process.wait(None))
        self.assertEqual(process.props.exit_code, 3)

    def test_not_found(self):
        with self.assertRaises(GLib.Error) as caught:
            Cam.Process.new(["cam-no-such-program"], 0)
        self.assertIOError(caught.exception, Gio.IOErrorEnum.NOT_FOUND)
        self.assertIn("“cam-no-such-program”", caught.exception.message)


class TestEnvironment(ProcessTestCase):
    def test_setenv_on_caller_copy(self):
        os.environ["CAM_TEST_PY"] = "caller"
        process = Cam.Process()
        process.setenv("CAM_TEST_NEW", "new", True)
        process.setenv("CAM_TEST_PY", "kept", False)
        process.unsetenv("HOME")
        self.assertEqual(process.getenv("CAM_TEST_PY"), "caller")
        self.assertIsNone(process.getenv("HOME"))
        process.set_stdio_flags(Cam.ProcessStdioFlags.STDOUT_PIPE)
        self.track(process)
        process.start(HELPER, [HELPER, "print-environ"], [])
        ok, out, err = process.communicate(None, None)
        lines = out.get_data().decode().splitlines()
        self.assertIn("CAM_TEST_NEW=new", lines)
        self.assertIn("CAM_TEST_PY=caller", lines)
        self.assertFalse([l for l in lines if l.startswith("HOME=")])

    def test_construct_properties(self):
        process = self.track(Cam.Process(
            argv=["sh", "-c", 'pwd; echo "$CAM_TEST"'],
            cwd="/proc", environ=["CAM_TEST=props", "PATH=/usr/bin:/bin"],
            stdio_flags=Cam.ProcessStdioFlags.STDOUT_PIPE))
        self.assertTrue(process.init(None))
        ok, out, err = process.communicate(None, None)
        self.assertEqual(out.get_data(), b"/proc\nprops\n")
        self.assertEqual(process.props.cwd, "/proc")
        self.assertEqual(process.props.environ,
                         ["CAM_TEST=props", "PATH=/usr/bin:/bin"])


class TestCommunicateUtf8(ProcessTestCase):
    def test_text(self):
        process = self.track(Cam.Process.new(
            [HELPER, "cat"],
            Cam.ProcessStdioFlags.STDIN_PIPE | Cam.ProcessStdioFlags.STDOUT_PIPE))
        ok, out, err = process.communicate_utf8("grüß dich\n", None)
        self.assertTrue(ok)
        self.assertEqual(out, "grüß dich\n")
        self.assertIsNone(err)

    def test_invalid(self):
        process = self.track(Cam.Process.new(
            ["sh", "-c", "printf '\\377'"], Cam.ProcessStdioFlags.STDOUT_PIPE))
        with self.assertRaises(GLib.Error) as caught:
            process.communicate_utf8(None, None)
        self.assertIOError(caught.exception, Gio.IOErrorEnum.FAILED)


class TestLauncher(ProcessTestCase):
    def test_spawnv(self):
        launcher = Cam.ProcessLauncher.new(Cam.ProcessStdioFlags.STDOUT_PIPE)
        launcher.setenv("CAM_L", "py", True)
        launcher.set_cwd("/proc")
        self.assertEqual(launcher.getenv("CAM_L"), "py")
        for _ in range(2):
            process = self.track(
                launcher.spawnv(["sh", "-c", 'pwd; echo "$CAM_L"']))
            ok, out, err = process.communicate_utf8(None, None)
            self.assertEqual(out, "/proc\npy\n")
            self.assertTrue(process.get_successful())

    def test_spawnv_not_found(self):
        launcher = Cam.ProcessLauncher.new(Cam.ProcessStdioFlags.NONE)
        with self.assertRaises(GLib.Error) as caught:
            launcher.spawnv(["cam-no-such-program"])
        self.assertIOError(caught.exception, Gio.IOErrorEnum.NOT_FOUND)


def child_alive(pid):
    """Whether pid runs and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def start_dropped_cat(flags):
    """Starts the helper's cat mode with pipes and drops every reference
    to the process; returns its pipes, its pid and a list that its
    finalization appends to."""
    process = Cam.Process()
    process.props.flags = flags
    process.props.stdio_flags = (Cam.ProcessStdioFlags.STDIN_PIPE |
                                 Cam.ProcessStdioFlags.STDOUT_PIPE)
    process.start(HELPER, [HELPER, "cat"], [])
    finalized = []
    weak = process.weak_ref(lambda: finalized.append(True))
    pipes = (process.get_stdin_pipe(), process.get_stdout_pipe())
    pid = process.props.pid
    del process
    gc.collect()
    return pipes, pid, finalized, weak


def read_to_eof(stream):
    data = b""
    while True:
        chunk = stream.read_bytes(4096, None).get_data()
        if not chunk:
            return data
        data += chunk


class TestLifetime(ProcessTestCase):
    def iterate_until(self, condition):
        """Iterates the default context until condition() holds, or fails
        after TIMEOUT_MS."""
        timed_out = []
        source_id = GLib.timeout_add(TIMEOUT_MS,
                                     lambda: timed_out.append(True))
        context = GLib.MainContext.default()
        while not condition() and not timed_out:
            context.iteration(True)
        if not timed_out:
            GLib.source_remove(source_id)
        self.assertFalse(timed_out, "timed out")

    def test_dropped_process_runs_to_the_end(self):
        # As with Gio.Subprocess: the garbage collector does not kill it.
        (stdin, stdout), pid, finalized, _ = start_dropped_cat(
            Cam.ProcessFlags.NONE)
        self.assertTrue(child_alive(pid))
        self.assertFalse(finalized)
        stdin.write_bytes(GLib.Bytes.new(b"hello\n"), None)
        stdin.close(None)
        self.assertEqual(read_to_eof(stdout), b"hello\n")
        # Reaped, "finished" emitted, then gone: no leak.
        self.iterate_until(lambda: finalized)
        self.assertFalse(child_alive(pid))

    def test_kill_on_dispose(self):
        (stdin, stdout), pid, finalized, _ = start_dropped_cat(
            Cam.ProcessFlags.KILL_ON_DISPOSE)
        self.assertTrue(finalized)
        self.assertFalse(os.path.exists(f"/proc/{pid}"))
        self.assertEqual(read_to_eof(stdout), b"")


if __name__ == "__main__":
    unittest.main(verbosity=2)
