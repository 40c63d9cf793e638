"""aec: autoencoder objectives written as on a slide, compiled and trained.

A .ae program (see the language reference) is checked when it is loaded, compiled for the
widths of the data it is first given, and trained on NumPy arrays in place::

    import numpy as np, aec
    x = np.load("images.npy").astype(np.float32)            # [n, 784]
    prog = aec.Program.from_file("relu_ae.ae", k=32)         # dims and hypers by keyword
    report = prog.train(x, epochs=3, save="relu.ckpt",
                        progress=lambda p: print(p.epoch, p.loss))
    codes = prog.evaluate("code", x)                         # np.ndarray [n, 32]
    W1 = prog.params["W1"]                                   # a copy, as an np.ndarray
    prog2 = aec.Program.load("relu_ae.ae", "relu.ckpt")      # a trained model again

Every error is an aec.Error. Training and evaluating let other Python threads run; Ctrl-C stops
training after the current step (with the checkpoint of save= written) and raises
KeyboardInterrupt.
"""
import os
import threading

from ._aec import Error, PcaCheck, Progress, TrainReport, __version__, _data, _Program

__all__ = ["Program", "Error", "Progress", "TrainReport", "PcaCheck", "__version__"]

# train()'s keywords that are settings, and the names they have in the C++ API.
_SETTINGS = ("epochs", "batch", "lr", "optimizer", "seed", "schedule", "clip", "center", "val",
             "patience", "freeze", "precision", "threads", "save", "save_every", "resume")


def _error(text):
    """An aec.Error about an argument: no place in a program."""
    e = Error(text)
    e.messages = [("", 0, 0, text)]
    e.in_program = False
    return e


def _set_values(overrides):
    """Keyword overrides of dims and hypers as the text the command line's --set takes."""
    out = {}
    for name, value in overrides.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise _error(f"{name}={value!r}: a dim or hyper is set to a number")
        out[name] = repr(value) if isinstance(value, float) else str(value)
    return out


class Program:
    """A .ae program: checked when loaded, trained and evaluated on NumPy arrays.

    Make one with Program.from_file, Program.from_string or Program.load. Its sizes that
    come from the data (a `dim D` used by `input x : [D]`) are fixed by the first data it is
    trained on or the checkpoint it is loaded from. One Program is used by one thread at a
    time; independent Programs train on several threads at once.
    """

    def __init__(self, checked):
        self._checked = checked          # without data: sizes from the data still open
        self._program = None             # made for the widths of the data
        self._trained = False            # self._program has params: trained or loaded
        self._busy = threading.Lock()

    # --- making one ---------------------------------------------------------------------
    @classmethod
    def from_file(cls, path, **overrides):
        """Loads and checks the program in the file `path`.

        Keyword arguments set dims and hypers, as the command line's --set does:
        Program.from_file("relu_ae.ae", k=32, lam=0.1). Raises aec.Error with the place
        (file:line:col) of anything wrong in the program.
        """
        return cls(_Program.from_file(os.fspath(path), _set_values(overrides)))

    @classmethod
    def from_string(cls, text, name="program.ae", **overrides):
        """Checks the program in `text`; `name` is the file name its messages give.

        Keyword arguments set dims and hypers, as in from_file.
        """
        return cls(_Program.from_string(name, text, _set_values(overrides)))

    @classmethod
    def load(cls, program, checkpoint, **overrides):
        """A trained model: the program (a path, or a Program) with the params of `checkpoint`.

        The program is made for the data the checkpoint was trained on (its widths) with the
        dims and hypers it was trained with (`aec train --set`, or from_file's keywords); a
        keyword given here overrides one. Raises aec.Error if the checkpoint does not fit the
        program (a param's shape, naming the dims that differ).
        """
        if isinstance(program, Program) and overrides:
            raise _error("Program.load: give dims and hypers with a program's path, not with a Program")
        p = program if isinstance(program, Program) else cls.from_file(program, **overrides)
        made = cls(p._checked)
        made._program = p._checked.with_checkpoint(os.fspath(checkpoint))
        made._trained = True
        return made

    # --- what it has --------------------------------------------------------------------
    @property
    def inputs(self):
        """The inputs' names, in declaration order."""
        return [name for name, _ in self._current().inputs()]

    @property
    def outputs(self):
        """The names of the program's `output` statements."""
        return self._checked.outputs()

    @property
    def defaults(self):
        """The program's `train` statement: the settings train() uses where not given."""
        s = self._checked.defaults()
        return {name: getattr(s, name) for name in _SETTINGS}

    @property
    def params(self):
        """The trained params by name, as NumPy arrays (copies), in their declared shapes.

        A param declared `per sample` has one row per sample first. Raises aec.Error before
        the program is trained or loaded.
        """
        if not self._trained:
            raise _error("params: the program has no params yet: train it or load a checkpoint first")
        return {name: self._program.param(name) for name in self._program.params()}

    # --- training and using it ----------------------------------------------------------
    def train(self, data=None, /, *, epochs=None, batch=None, lr=None, optimizer=None, seed=None,
              schedule=None, clip=None, center=None, val=None, patience=None, freeze=None,
              precision=None, threads=None, save=None, save_every=None, resume=None,
              progress=None, **inputs):
        """Trains the program from freshly initialized params (or from resume=) and returns a
        TrainReport (initial_loss, final_loss, epoch_losses, seconds, samples_per_second,
        cancelled, pca, ...).

        data        the samples, one per row: a NumPy array (float32 and C-contiguous is used
                    in place; any other dtype or layout is converted to float32 once; uint8 is
                    read as value / 255, as aec reads a uint8 NPY file; a 1-D array holds one
                    number per sample, such as class ids), anything numpy.asarray takes, or a
                    source the command line's --data takes: "fashion-mnist", "images.npy",
                    "synthetic:lowrank?n=1000". For a program with several inputs, give each
                    by its name instead: prog.train(x=images, y=labels), or a dict
                    {"x": images, "y": labels}.
        epochs      passes over the data
        batch       samples per step
        lr          the learning rate
        optimizer   "sgd", "momentum" or "adam"
        seed        draws the initial values, the noise and the order of samples
        schedule    the learning rate's schedule: "constant", "step[:EVERY[:FACTOR]]" or
                    "cosine"
        clip        scale gradients down to this global L2 norm when above it (0: never)
        center      subtract the training mean from every sample first (evaluate() does too)
        val         the fraction of samples held out for validation (0: none)
        patience    stop when the validation loss has not improved for this many epochs
        freeze      params kept at their starting values: "W1,b1" or ["W1", "b1"]
        precision   "fp32", or "bf16": products from bfloat16 operands with float32 sums
        threads     cores for the kernels (0: every core; every count gives the same bits)
        save        a checkpoint path, written after every epoch and when training stops
        save_every  also write it every this many steps
        resume      a checkpoint of an interrupted run to continue, bit for bit
        progress    a callable given a Progress after every step (epoch, epochs,
                    samples_done, epoch_samples, loss, lr, epoch_end, val_loss); returning
                    False stops training after that step (report.cancelled is then True).
                    An exception it raises stops training the same way and is raised again
                    from train().

        A setting not given is the program's `train` statement's (see .defaults), else aec's
        default. Ctrl-C (KeyboardInterrupt) stops training after the current step, with the
        checkpoint written when save= is given, and is raised from train(). Other Python
        threads run while it trains. Raises aec.Error for anything wrong in the data or the
        settings, and for a loss that becomes NaN or infinite (located in the program).
        """
        given = {"epochs": epochs, "batch": batch, "lr": lr, "optimizer": optimizer, "seed": seed,
                 "schedule": schedule, "clip": clip, "center": center, "val": val,
                 "patience": patience, "freeze": freeze, "precision": precision,
                 "threads": threads, "save": save, "save_every": save_every, "resume": resume}
        if progress is not None and not callable(progress):
            raise _error(f"train(progress=...): expected a callable, got {type(progress).__name__}")
        sources = self._sources("train", data, inputs, every_input=True)
        with self._one_thread("train"):
            program = self._made_for(sources)
            settings = program.defaults()
            for name, value in given.items():
                if value is not None:
                    self._setting(settings, name, value)
            try:
                report = program.train(sources, settings, progress)
            except Error:
                raise
            except BaseException:  # from the progress callable or Ctrl-C: stopped after a step
                self._program, self._trained = program, True
                raise
            self._program, self._trained = program, True
            return report

    def evaluate(self, output, data=None, /, **inputs):
        """The output named `output` (an `output` statement) on every sample of `data`, with
        the trained params, as a NumPy array: one row per sample, then the output's shape
        (a number gives shape [n], a vector [n, k], a matrix [n, r, c], an image
        [n, c, h, w]). Per-sample params are fitted to these samples first.

        data is given as to train(); with several inputs only those the output reads are
        needed (predictions without labels). Raises aec.Error before the program is trained
        or loaded, for an unknown output, and for data of the wrong width (naming the input).
        """
        if output not in self._checked.outputs():
            have = ", ".join(self._checked.outputs()) or "none"
            raise _error(f"evaluate({output}): the program has no output {output} (it has: {have})")
        if not self._trained:
            raise _error(f"evaluate({output}): the program has no params yet: train it or load a checkpoint first")
        sources = self._sources(f"evaluate({output})", data, inputs, every_input=False)
        with self._one_thread("evaluate"):
            self._check_widths(self._program, sources)
            return self._program.evaluate(output, sources)

    def save(self, path):
        """Writes a checkpoint of the trained params (atomically) to `path`, as `aec train
        --save` does: `aec run` and Program.load read it."""
        if not self._trained:
            raise _error(f"{os.fspath(path)}: nothing to save: train the program or load a checkpoint first")
        self._program.save(os.fspath(path))

    def __repr__(self):
        return f"<aec.Program inputs={self.inputs} outputs={self.outputs}>"

    # --- inside -------------------------------------------------------------------------
    def _current(self):
        return self._program if self._program is not None else self._checked

    def _sources(self, what, data, inputs, every_input):
        """The data given to train() or evaluate(), read: {input name: _Data}."""
        names = [name for name, _ in self._checked.inputs()]
        if data is not None and inputs:
            raise _error(f"{what}: give the data either as one argument or by the inputs' names, not both")
        if isinstance(data, dict):
            inputs, data = data, None
        if data is not None:
            if len(names) > 1:
                raise _error(f"{what}: the program has several inputs ({', '.join(names)}): give each by its name, "
                             f"e.g. {names[0]}=...")
            inputs = {names[0]: data}
        for name in inputs:
            if name not in names:
                raise _error(f"{what}: the program has no input {name} (it has: {', '.join(names)})")
        if not inputs:
            raise _error(f"{what}: no data: give an array (or a source such as \"fashion-mnist\")")
        missing = [n for n in names if n not in inputs]
        if every_input and missing:
            raise _error(f"{what}: input {missing[0]} has no data: give it as {missing[0]}=...")
        return {name: _data(name, source) for name, source in inputs.items()}

    def _made_for(self, sources):
        """The program made for the widths of `sources` (the one before, if they fit it)."""
        if self._program is not None and self._fits(self._program, sources):
            return self._program
        program = self._checked.for_inputs({name: d.width for name, d in sources.items()})
        self._check_widths(program, sources)
        return program

    @staticmethod
    def _fits(program, sources):
        have = dict(program.inputs())
        return all(d.width == have[name] or (d.width == 1 and have[name] > 1) for name, d in sources.items())

    @staticmethod
    def _check_widths(program, sources):
        """aec.Error naming the input whose data has the wrong width (one number per sample
        is class ids for an input [c])."""
        have = dict(program.inputs())
        for name, d in sources.items():
            if d.width != have[name] and not (d.width == 1 and have[name] > 1):
                raise _error(f"input {name}: {d.description}: samples of width {d.width}, but the program is "
                             f"for {name} : [{have[name]}]")

    @staticmethod
    def _setting(settings, name, value):
        """One of train()'s settings into the C++ TrainSettings, or an aec.Error."""
        if name == "freeze" and not isinstance(value, str):
            value = ",".join(value)
        if name in ("save", "resume"):
            value = os.fspath(value)
        try:
            setattr(settings, name, value)
        except TypeError:
            kind = {"int": "an integer", "float": "a number", "bool": "True or False", "str": "a string"}
            raise _error(f"train({name}={value!r}): expected {kind[type(getattr(settings, name)).__name__]}") from None

    def _one_thread(self, what):
        program = self

        class _Held:
            def __enter__(self):
                if not program._busy.acquire(blocking=False):
                    raise _error(f"{what}: this Program is already training or evaluating (on another thread, or "
                                 f"in its own progress callable); give each thread its own Program")

            def __exit__(self, *exc):
                program._busy.release()

        return _Held()
