/* test-vapi.vala: CamProcess from Vala, through camprocess-1.vapi
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Built against the vapi generated from Cam-1.gir (lib/meson.build): if the
 * vapi names a type, a constructor or a header wrongly, this does not
 * compile; if the bindings call the wrong C function, it fails.
 */

/* The one-call constructor starts /bin/true; wait_check () reaps it. */
static void
test_true () {
  try {
    string[] argv = { "/bin/true" };
    var process = new Cam.Process.newv (argv, Cam.ProcessStdioFlags.NONE);
    assert_true (process.wait_check (null));
    assert_cmpint (process.exit_status, CompareOperator.EQ,
                   Cam.ProcessExitStatus.NORMAL_EXIT);
    assert_cmpint (process.exit_code, CompareOperator.EQ, 0);
    assert_false (process.running);
  } catch (Error e) {
    error ("%s", e.message);
  }
}

/* An idle process, started with start (), reports through "finished" and
 * a non-zero exit is a Cam.ProcessError from wait_check (). */
static void
test_finished () {
  var process = new Cam.Process ();
  var finished = 0;
  process.finished.connect ((status, code) => {
    assert_cmpint (status, CompareOperator.EQ, Cam.ProcessExitStatus.NORMAL_EXIT);
    assert_cmpint (code, CompareOperator.EQ, 1);
    finished++;
  });
  try {
    string[] argv = { "/bin/false" };
    process.start (argv[0], argv, null);
  } catch (Error e) {
    error ("%s", e.message);
  }
  try {
    process.wait_check (null);
    assert_not_reached ();
  } catch (Error e) {
    assert_error (e, Cam.ProcessError.quark (), Cam.ProcessError.EXITED);
  }
  assert_cmpint (finished, CompareOperator.EQ, 1);
}

int
main (string[] args) {
  Test.init (ref args);
  Test.add_func ("/process/vala/true", test_true);
  Test.add_func ("/process/vala/finished", test_finished);
  return Test.run ();
}
