"""The Python module as a user runs it: import aec, NumPy arrays in and out.

Run by CTest (tests/CMakeLists.txt) with PYTHONPATH at the built package and AEC_BINARY at the
command line, against which training on an array is compared bit for bit.
"""
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest

import numpy as np

import aec

AEC_BINARY = os.environ.get("AEC_BINARY", "aec")

SMALL_AE = """\
dim D
dim k = 6
input x : [D]
param W : [k, D] = glorot
param b : [k] = zeros
param V : [D, k] = glorot
param c : [D] = zeros
f(x) = tanh(W * x + b)
minimize ||x - (V * f(x) + c)||^2
output code = f(x)
output recon = V * f(x) + c
output jacobian = df/dx
train optimizer=adam lr=1e-2 batch=32 epochs=3
"""

CLASSIFIER = """\
dim D
input x : [D]
input y : [3]
param U : [3, D] = glorot
minimize cross_entropy(y, U * x)
output correct = equal(argmax(U * x), argmax(y))
output predicted = argmax(U * x)
train optimizer=adam lr=0.1 batch=10 epochs=30
"""


def samples(n=400, d=12, seed=0):
    """Data near a 3-dimensional subspace, float32 C-contiguous."""
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, 3)) @ rng.normal(size=(3, d)) * 0.3 + 0.1 * rng.normal(size=(n, d))).astype(np.float32)


class Temp(unittest.TestCase):
    def setUp(self):
        self._dir = tempfile.TemporaryDirectory(prefix="aec_python_")
        self.dir = self._dir.name

    def tearDown(self):
        self._dir.cleanup()

    def path(self, name, text=None):
        p = os.path.join(self.dir, name)
        if text is not None:
            with open(p, "w") as f:
                f.write(text)
        return p


class TheModule(unittest.TestCase):
    def test_version_and_help(self):
        self.assertRegex(aec.__version__, r"^\d+\.\d+\.\d+$")
        doc = aec.Program.train.__doc__
        for argument in ("data", "epochs", "batch", "lr", "optimizer", "seed", "schedule", "clip", "center", "val",
                         "patience", "freeze", "precision", "threads", "save", "save_every", "resume", "progress"):
            self.assertRegex(doc, rf"\n\s+{argument}\s", argument)
        self.assertTrue(issubclass(aec.Error, Exception))
        self.assertIn("messages", aec.Error.__doc__)


class SameAsTheCommandLine(Temp):
    def cli_train(self, program, data_file, *flags):
        ckpt = self.path("cli.ckpt")
        subprocess.run([AEC_BINARY, "train", program, "--data", data_file, "--save", ckpt, *flags], check=True,
                       stdout=subprocess.DEVNULL)
        return aec.Program.load(program, ckpt)

    def assert_same_params(self, a, b):
        pa, pb = a.params, b.params
        self.assertEqual(sorted(pa), sorted(pb))
        for name in pa:
            self.assertEqual(pa[name].shape, pb[name].shape, name)
            self.assertTrue(np.array_equal(pa[name], pb[name]), f"{name} differs")

    def test_an_array_trains_bit_for_bit_as_the_same_data_in_an_npy_file(self):
        x = samples()
        np.save(self.path("x.npy"), x)
        program = self.path("small.ae", SMALL_AE)
        prog = aec.Program.from_file(program)
        report = prog.train(x, save=self.path("py.ckpt"))
        self.assertEqual(report.epochs, 3)
        self.assertLess(report.final_loss, report.initial_loss)
        cli = self.cli_train(program, self.path("x.npy"))
        self.assert_same_params(prog, cli)
        self.assertTrue(np.array_equal(prog.evaluate("code", x), cli.evaluate("code", x)))
        # The checkpoint Python wrote is the one the command line reads.
        self.assert_same_params(aec.Program.load(program, self.path("py.ckpt")), cli)

    def test_centered_with_overrides_and_unsigned_bytes_as_the_command_line_reads_them(self):
        images = (np.random.default_rng(3).random((300, 10)) * 255).astype(np.uint8)
        np.save(self.path("bytes.npy"), images)
        program = self.path("small.ae", SMALL_AE.replace("epochs=3", "epochs=2 center=true"))
        prog = aec.Program.from_file(program, k=4)
        prog.train(images, seed=7, batch=16)
        cli = self.cli_train(program, self.path("bytes.npy"), "--set", "k=4", "--seed", "7", "--batch", "16")
        self.assert_same_params(prog, cli)
        self.assertTrue(np.array_equal(prog.evaluate("recon", images), cli.evaluate("recon", images)))


class InPlace(unittest.TestCase):
    def test_float32_c_contiguous_arrays_are_used_where_they_are(self):
        x = samples()
        self.assertEqual(aec._aec._data("x", x).address, x.ctypes.data)
        self.assertEqual(aec._aec._data("x", x[10:20]).address, x[10:].ctypes.data)  # rows of it: still in place
        for converted in (x.astype(np.float64), np.asfortranarray(x), x[:, ::2], x.tolist()):
            d = aec._aec._data("x", converted)
            self.assertNotEqual(d.address, x.ctypes.data)
            self.assertIn("converted to float32", d.description)

    def test_training_reads_the_array_as_it_is_now_and_never_writes_it(self):
        x = samples()
        kept = x.copy()
        prog = aec.Program.from_string(SMALL_AE)
        prog.train(x, epochs=2, center=True)  # the mean is subtracted as samples are read, not in x
        self.assertTrue(np.array_equal(x, kept))
        losses = {}
        for name, data in (("in place", x), ("a copy", x.astype(np.float64))):
            def zero_after_first_epoch(p, data=data):
                if p.epoch_end and p.epoch == 1:
                    x[:] = 0  # what training reads from now on, if it reads x itself
            r = aec.Program.from_string(SMALL_AE).train(data, epochs=2, progress=zero_after_first_epoch)
            losses[name] = r.epoch_losses
            x[:] = kept
        self.assertLess(losses["in place"][1], 0.1 * losses["a copy"][1])  # zeros are easy to reconstruct
        self.assertEqual(losses["in place"][0], losses["a copy"][0])

    def test_outputs_and_params_come_out_in_their_declared_shapes(self):
        x = samples(n=100, d=5)
        prog = aec.Program.from_string(SMALL_AE, k=2)
        prog.train(x, epochs=1)
        code, jac = prog.evaluate("code", x), prog.evaluate("jacobian", x)
        self.assertEqual(code.shape, (100, 2))
        self.assertEqual(jac.shape, (100, 2, 5))
        params = prog.params
        self.assertEqual(params["W"].shape, (2, 5))
        self.assertEqual(params["b"].shape, (2,))
        # The math of the program, computed with NumPy from the params, is what aec computes.
        W, b = params["W"], params["b"]
        self.assertTrue(np.allclose(code, np.tanh(x @ W.T + b), atol=1e-5))
        expected = (1 - np.tanh(x @ W.T + b) ** 2)[:, :, None] * W[None, :, :]
        self.assertTrue(np.allclose(jac, expected, atol=1e-5))
        params["W"][:] = 0  # a copy
        self.assertFalse(np.array_equal(prog.params["W"], params["W"]))


class SeveralInputs(Temp):
    def data(self):
        rng = np.random.default_rng(1)
        ids = rng.integers(0, 3, size=60)
        x = (np.eye(3)[ids] + 0.05 * rng.normal(size=(60, 3))).astype(np.float32)
        return x, ids

    def test_inputs_by_keyword_class_ids_and_predictions_without_labels(self):
        x, ids = self.data()
        prog = aec.Program.from_string(CLASSIFIER, name="cls.ae")
        self.assertEqual(prog.inputs, ["x", "y"])
        prog.train(x=x, y=ids)  # int64 class ids, one per sample: one-hot for y : [3]
        self.assertEqual(prog.evaluate("correct", x=x, y=ids).sum(), 60)
        self.assertTrue(np.array_equal(prog.evaluate("predicted", x=x), ids))
        again = aec.Program.from_string(CLASSIFIER, name="cls.ae")
        again.train({"x": x, "y": ids.astype(np.uint8).astype(np.float32)})  # a dict does the same
        self.assertTrue(np.array_equal(again.params["U"], prog.params["U"]))

    def test_several_inputs_are_read_in_place_too(self):
        x, ids = self.data()
        losses = {}
        for name, features in (("in place", x), ("a copy", x.astype(np.float64))):
            def zero_after_first_epoch(p):
                if p.epoch_end and p.epoch == 1:
                    x[:] = 0  # the logits U x are 0 from now on, if training reads x itself
            r = aec.Program.from_string(CLASSIFIER).train(x=features, y=ids, epochs=2, progress=zero_after_first_epoch)
            losses[name] = r.epoch_losses
            x[:] = self.data()[0]
        self.assertAlmostEqual(losses["in place"][1], np.log(3), places=6)  # cross-entropy of equal logits
        self.assertLess(losses["a copy"][1], 0.9 * np.log(3))

    def test_a_source_by_name_as_the_command_line_takes_it(self):
        x, ids = self.data()
        np.save(self.path("x.npy"), x)
        prog = aec.Program.from_string(SMALL_AE)
        prog.train(self.path("x.npy"), epochs=1)
        self.assertEqual(prog.evaluate("code", "synthetic:lowrank?n=50&d=3&rank=2").shape, (50, 6))


class Errors(Temp):
    def assert_error(self, text, call, *args, **kwargs):
        with self.assertRaises(aec.Error) as caught:
            call(*args, **kwargs)
        self.assertIn(text, str(caught.exception))
        self.assertTrue(caught.exception.messages)
        return caught.exception

    def test_a_program_error_is_located(self):
        e = self.assert_error("unknown name 'y'", aec.Program.from_string, "dim D\ninput x : [D]\nminimize ||x - y||^2\n",
                              name="m.ae")
        self.assertTrue(e.in_program)
        self.assertEqual(e.messages, [("m.ae", 3, 16, "unknown name 'y'")])
        self.assertEqual(str(e), "m.ae:3:16: error: unknown name 'y'\n    minimize ||x - y||^2\n                   ^\n")
        self.assert_error("no such file", aec.Program.from_file, self.path("none.ae"))
        self.assert_error("no dim or hyper named 'q'", aec.Program.from_string, SMALL_AE, q=3)
        self.assert_error("k=[1]: a dim or hyper is set to a number", aec.Program.from_string, SMALL_AE, k=[1])

    def test_data_errors_name_the_input(self):
        prog = aec.Program.from_string(SMALL_AE.replace("dim D\n", "").replace("[D]", "[12]").replace("[k, D]", "[k, 12]")
                                       .replace("[D, k]", "[12, k]"))
        e = self.assert_error("the data's samples have 5 values, but input x is declared [12]", prog.train, samples(d=5))
        self.assertEqual(e.messages[0][1:3], (2, 12))
        x = samples()
        x[3, 4] = np.nan
        self.assert_error("input x: sample 3, column 5 is not finite", prog.train, x)
        self.assert_error("input x: the array of shape (0, 12) holds no samples", prog.train, np.zeros((0, 12), np.float32))
        self.assert_error("input x: a single number is not data", prog.train, np.float32(1))
        self.assert_error("input x: an array of <U1 (from ndarray) is not real numbers", prog.train, np.array([["a", "b"]]))
        self.assert_error("input x: an array of object (from NoneType) is not real numbers", prog.train, {"x": None})
        self.assert_error("input x: an array of complex64", prog.train, x.astype(np.complex64))
        self.assert_error("no such file", prog.train, self.path("missing.npy"))
        self.assert_error("train: no data", prog.train)
        self.assert_error("the program has no input z", prog.train, z=samples())
        cls = aec.Program.from_string(CLASSIFIER)
        self.assert_error("input y has no data: give it as y=...", cls.train, x=samples(d=3))
        self.assert_error("the program has several inputs (x, y)", cls.train, samples(d=3))
        self.assert_error("not both", cls.train, samples(d=3), y=np.zeros(400))
        self.assert_error("sample 0 holds 7", cls.train, x=samples(d=3), y=np.full(400, 7))

    def test_settings_and_use_before_training(self):
        prog = aec.Program.from_string(SMALL_AE)
        x = samples()
        self.assert_error("evaluate(code): the program has no params yet", prog.evaluate, "code", x)
        self.assert_error("the program has no output nope (it has: code, recon, jacobian)", prog.evaluate, "nope", x)
        self.assert_error("params: the program has no params yet", lambda: prog.params)
        self.assert_error("nothing to save", prog.save, self.path("a.ckpt"))
        self.assert_error("train(epochs='ten'): expected an integer", prog.train, x, epochs="ten")
        self.assert_error("optimizer lbfgs: expected sgd, momentum or adam", prog.train, x, optimizer="lbfgs")
        self.assert_error("expected a callable", prog.train, x, progress=3)
        prog.train(x, epochs=1)
        self.assert_error("input x: an array of shape (400, 7), float32, used in place: samples of width 7, but the "
                          "program is for x : [12]", prog.evaluate, "code", samples(d=7))
        np.save(self.path("x7.npy"), samples(d=7))
        self.assert_error(f"input x: {self.path('x7.npy')} (400 samples of width 7): samples of width 7", prog.evaluate, "code",
                          self.path("x7.npy"))

    def test_checkpoints_that_do_not_fit_or_do_not_read(self):
        prog = aec.Program.from_string(SMALL_AE, name="small.ae")
        prog.train(samples(), epochs=1, save=self.path("a.ckpt"))
        program = self.path("small.ae", SMALL_AE)
        self.assert_error("dim k is 3 now, 6 in the checkpoint", aec.Program.load, program, self.path("a.ckpt"), k=3)
        with open(self.path("a.ckpt"), "rb") as f:
            whole = f.read()
        with open(self.path("cut.ckpt"), "wb") as f:
            f.write(whole[: len(whole) // 2])
        self.assert_error("cut.ckpt", aec.Program.load, program, self.path("cut.ckpt"))
        self.assert_error("none.ckpt: cannot open the checkpoint", aec.Program.load, program, self.path("none.ckpt"))

    def test_a_loss_that_becomes_nan_is_located_in_the_program(self):
        prog = aec.Program.from_string("dim D\ninput x : [D]\nparam w : [D] = ones\nminimize sum(log(x - 100 * w))\n",
                                       name="nan.ae")
        e = self.assert_error("the loss became NaN", prog.train, samples())
        self.assertTrue(e.in_program)
        self.assertEqual(e.messages[0][:2], ("nan.ae", 4))

    def test_one_program_on_two_threads_at_once_is_refused(self):
        prog = aec.Program.from_string(SMALL_AE)
        x = samples(n=2000)
        inside, release = threading.Event(), threading.Event()

        def wait_inside(p):
            inside.set()
            release.wait(10)

        t = threading.Thread(target=prog.train, args=(x,), kwargs={"epochs": 1, "progress": wait_inside})
        t.start()
        inside.wait(10)
        try:
            self.assert_error("already training or evaluating", prog.train, x)
        finally:
            release.set()
            t.join()


class Stopping(Temp):
    def test_returning_false_cancels_after_that_step(self):
        calls = []
        r = aec.Program.from_string(SMALL_AE).train(samples(), progress=lambda p: calls.append(p) or len(calls) < 4)
        self.assertTrue(r.cancelled)
        self.assertEqual(len(calls), 4)
        self.assertEqual(calls[0].epoch, 1)
        self.assertEqual(calls[0].samples_done, 32)

    def test_keyboard_interrupt_from_the_progress_callback_leaves_a_good_checkpoint(self):
        prog = aec.Program.from_string(SMALL_AE, name="small.ae")
        steps = []

        def interrupt(p):
            steps.append(p.samples_done)
            if len(steps) == 20:
                raise KeyboardInterrupt

        with self.assertRaises(KeyboardInterrupt):
            prog.train(samples(), save=self.path("stopped.ckpt"), progress=interrupt)
        self.assertEqual(len(steps), 20)  # no step after it
        saved = aec.Program.load(self.path("small.ae", SMALL_AE), self.path("stopped.ckpt"))
        for name, value in prog.params.items():
            self.assertTrue(np.array_equal(saved.params[name], value), name)
        with self.assertRaises(ZeroDivisionError):  # any exception: stops the same way, raised as it is
            prog.train(samples(), progress=lambda p: 1 / 0)

    def test_ctrl_c_stops_training_after_the_current_step(self):
        script = textwrap.dedent(f"""
            import sys, numpy as np, aec
            rng = np.random.default_rng(0)
            x = rng.random((20000, 64), dtype=np.float32)
            prog = aec.Program.from_string({SMALL_AE!r}, name="small.ae")
            print("training", flush=True)
            try:
                prog.train(x, epochs=10000, save=sys.argv[1])
            except KeyboardInterrupt:
                saved = aec.Program.load(sys.argv[2], sys.argv[1])
                same = all(np.array_equal(saved.params[n], v) for n, v in prog.params.items())
                print("interrupted; checkpoint good" if same else "interrupted; checkpoint differs", flush=True)
        """)
        child = subprocess.Popen([sys.executable, "-c", script, self.path("c.ckpt"), self.path("small.ae", SMALL_AE)],
                                 stdout=subprocess.PIPE, text=True)
        self.assertEqual(child.stdout.readline().strip(), "training")
        time.sleep(1.0)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        try:
            out, _ = child.communicate(timeout=60)
        finally:
            child.kill()
            child.wait()
        self.assertEqual(out.strip(), "interrupted; checkpoint good")
        self.assertLess(time.monotonic() - sent, 5)
        self.assertEqual(child.returncode, 0)


class Threads(unittest.TestCase):
    def test_two_programs_train_on_two_threads_with_the_results_of_one_and_let_python_run(self):
        x = samples(n=20000, d=64)

        def trained(k):
            prog = aec.Program.from_string(SMALL_AE, k=k)
            prog.train(x, epochs=8)
            return prog.params

        start = time.perf_counter()
        alone = {k: trained(k) for k in (4, 8)}
        one_run = (time.perf_counter() - start) / 2
        together = {}
        threads = [threading.Thread(target=lambda k=k: together.__setitem__(k, trained(k))) for k in (4, 8)]
        for t in threads:
            t.start()
        # This thread runs meanwhile only if training lets go of the GIL: the longest it waits
        # between two looks is far shorter than a run.
        last, longest_wait = time.perf_counter(), 0.0
        while any(t.is_alive() for t in threads):
            now = time.perf_counter()
            longest_wait, last = max(longest_wait, now - last), now
        for t in threads:
            t.join()
        for k in (4, 8):
            for name in alone[k]:
                self.assertTrue(np.array_equal(alone[k][name], together[k][name]), f"k={k} {name}")
        self.assertLess(longest_wait, one_run / 3, f"a run takes {one_run:.3f} s")


class Readme(Temp):
    def test_the_readmes_python_block_runs_as_written(self):
        source = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        with open(os.path.join(source, "README.md")) as f:
            readme = f.read()
        section = readme[readme.index("\n## Python\n"):]
        block = section[section.index("```python\n") + len("```python\n"):]
        block = block[:block.index("```")]
        os.symlink(os.path.join(source, "examples"), self.path("examples"))  # its paths are the source folder's
        run = subprocess.run([sys.executable, "-c", block], cwd=self.dir, capture_output=True, text=True, timeout=300)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("epoch 3: loss", run.stdout)


if __name__ == "__main__":
    unittest.main()
