#!/usr/bin/env bash
# Hostile input, measured: generates mutated inputs of every kind the program reads, runs the
# built `sparsescope` on each (with a timeout and a memory limit) and counts the outcomes.
#
#     scripts/hostile-check.sh              # about 300 inputs of each kind, a few minutes
#     scripts/hostile-check.sh 50           # 50 of each kind, a quick look
#     scripts/hostile-check.sh 300 --keep   # keep the inputs of every unclean outcome
#
# Kinds: CSV files (byte flips, truncation, invalid UTF-8, huge fields, many columns, broken
# structure, non-finite numbers), IDX folders plain and gzip-compressed (flips, truncation,
# missing files, shapes that disagree, one class, bombs, corrupt streams), session files
# (flips, truncation, wrong types, deep nesting, sizes and counts that do not fit, written
# by `train`, `scan` and `sweep --session`), model files, and hyper-parameter combinations on
# the command line. Each input is known to be invalid (it must be refused) or may be valid.
#
# Outcomes: clean error (exit 1 or 2, and the message's first line names the file, or for
# the command line an option or the divergence), unnamed error (exit 1 or 2 without that),
# crash (a signal), hang (the timeout), silent acceptance (exit 0 on an input that must be
# refused, or a run whose output is nonsense: not finished, no test metrics, a saved weight
# beyond 1e6), accepted-valid (exit 0 on an input that may be valid), refused-valid (an input
# that must be accepted was refused), other exit codes. Prints the counts as JSON, then one
# line; exits 1 when anything crashed, hung or was silently accepted.
#
# Needs the release build (scripts/run-tests.sh or `cmake --build --preset release --target
# sparsescope`) and Debian's python3. Not part of ctest: it takes minutes. Environment:
# SPARSESCOPE_BIN (the binary), HOSTILE_TIMEOUT (seconds per run, default 30), HOSTILE_MEMORY_MB
# (the address-space limit, default 4096), HOSTILE_SEED (default 1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="${SPARSESCOPE_BIN:-$root/build/release/app/sparsescope}"
if [ ! -x "$binary" ]; then
  echo "hostile-check: no binary at $binary (build the release preset first, or set SPARSESCOPE_BIN)" >&2
  exit 2
fi
if ! command -v python3 >/dev/null; then
  echo "hostile-check: needs python3 (Debian package python3)" >&2
  exit 2
fi
export QT_QPA_PLATFORM=offscreen
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec python3 - "$binary" "$@" <<'PYTHON'
import collections
import gzip
import json
import math
import os
import random
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

binary = sys.argv[1]
arguments = sys.argv[2:]
keep = "--keep" in arguments
numbers = [a for a in arguments if a != "--keep"]
per_kind = int(numbers[0]) if numbers else 300
timeout = float(os.environ.get("HOSTILE_TIMEOUT", "30"))
memory_mb = int(os.environ.get("HOSTILE_MEMORY_MB", "4096"))
rng = random.Random(int(os.environ.get("HOSTILE_SEED", "1")))
work = tempfile.mkdtemp(prefix="sparsescope-hostile-")
os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="runtime-", dir=work)  # Qt warns without one
kept = os.path.join(work, "unclean")
WEIGHT_BOUND = 1e6  # core/nn/Trainer.h: kDivergenceWeightBound

MUST_REFUSE, MAY_BE_VALID, MUST_ACCEPT = "must refuse", "may be valid", "must accept"


def limit_memory():
    os.setsid()  # its own process group: a timeout kills its threads and children too
    limit = memory_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(args):
    """Runs the binary; returns (returncode or 'hang', stdout, stderr, seconds)."""
    start = time.monotonic()
    process = subprocess.Popen([binary] + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, preexec_fn=limit_memory)
    try:
        out, err = process.communicate(timeout=timeout)
        code = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        code = "hang"
    return code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), time.monotonic() - start


def largest_weight(model_file):
    """The largest |weight| or |bias| of a saved model (inf when it cannot be read)."""
    try:
        with open(model_file) as f:
            model = json.load(f)
    except (OSError, ValueError):
        return math.inf
    largest = 0.0

    def visit(value):
        nonlocal largest
        if isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            largest = max(largest, abs(float(value)))
    for layer in model.get("layers", []):
        visit(layer.get("weights"))
        visit(layer.get("bias"))
    return largest


def nonsense(out, saved_model):
    """Why an accepted training run's output is nonsense, or None."""
    try:
        result = json.loads(out)
    except ValueError:
        return "stdout is not JSON"
    training = result.get("training", {})
    if training.get("outcome") != "finished":
        return "exit 0 but outcome %r" % training.get("outcome")
    test = result.get("test")
    if not test or not isinstance(test.get("accuracy"), (int, float)) or not math.isfinite(test["accuracy"]):
        return "exit 0 without test metrics"
    for entry in result.get("history", []):
        loss = entry.get("train_loss")
        if isinstance(loss, (int, float)) and not math.isfinite(loss):
            return "exit 0 with a non-finite training loss"
    if saved_model and os.path.exists(saved_model):
        largest = largest_weight(saved_model)
        if not largest <= WEIGHT_BOUND:
            return "saved a weight of magnitude %g" % largest
    return None


counts = {}
examples = collections.defaultdict(list)


def record(kind, label, outcome, detail, files):
    per = counts.setdefault(kind, collections.Counter())
    per[outcome] += 1
    per["inputs"] += 1
    if outcome not in ("clean error", "accepted-valid"):
        if len(examples[kind]) < 8:
            examples[kind].append({"input": label, "outcome": outcome, "detail": detail[:300]})
        if keep:
            target = os.path.join(kept, kind, "%04d-%s" % (per["inputs"], label.replace("/", "_")[:60]))
            os.makedirs(target, exist_ok=True)
            for path in files:
                if os.path.isdir(path):
                    shutil.copytree(path, os.path.join(target, os.path.basename(path)), dirs_exist_ok=True)
                elif os.path.isfile(path):
                    shutil.copy(path, target)


def stray_temporaries(folder):
    """Temporaries of the atomic writer (core/common/AtomicFile.h) left in or below folder."""
    found = []
    for directory, _, names in os.walk(folder):
        found += [os.path.join(directory, n) for n in names if ".sparsescope-tmp-" in n]
    return found


def classify(kind, label, expectation, args, names, files, folder, saved_model=None, check_output=True):
    """Runs one input whose files live in folder. names: strings of which the message's first
    line must hold one."""
    code, out, err, seconds = run(args)
    # The command's own message is the line it starts with its name (Qt may warn before it).
    lines = err.strip().splitlines()
    prefix = (args[0] if args else "sparsescope") + ":"
    first = next((line for line in lines if line.startswith(prefix)), lines[0] if lines else "")
    if code == "hang":
        outcome, detail = "hang", "no answer within %gs" % timeout
    elif code < 0:
        outcome, detail = "crash", "signal %s; %s" % (signal.Signals(-code).name, err[-300:])
    elif code == 0:
        why = nonsense(out, saved_model) if check_output else None
        if expectation == MUST_REFUSE:
            outcome, detail = "silent acceptance", "exit 0 on an input that must be refused"
        elif why:
            outcome, detail = "silent acceptance", why
        else:
            outcome, detail = "accepted-valid", ""
    elif code in (1, 2):
        named = any(name and name.lower() in first.lower() for name in names)
        ugly = any(word in err for word in ("json.exception", "std::bad_alloc", "Unknown error", "basic_string"))
        if expectation == MUST_ACCEPT:
            outcome, detail = "refused-valid", first
        elif named and not ugly:
            outcome, detail = "clean error", first
        else:
            outcome, detail = "unnamed error", first
    else:
        outcome, detail = "other exit", "exit %d: %s" % (code, first)
    record(kind, label, outcome, detail, files)
    for stray in stray_temporaries(folder):
        counts[kind]["stray temporary"] += 1
        examples[kind].append({"input": label, "outcome": "stray temporary", "detail": stray})


def fresh(name):
    folder = tempfile.mkdtemp(prefix=name + "-", dir=work)
    return folder


# ------------------------------------------------------------------------------ CSV files

def valid_csv(rows=60, features=3, classes=3):
    lines = [",".join(["f%d" % i for i in range(features)] + ["label"])]
    for r in range(rows):
        c = r % classes
        values = ["%.4f" % (c + rng.gauss(0, 0.5)) for _ in range(features)]
        lines.append(",".join(values + ["class%d" % c]))
    return ("\n".join(lines) + "\n").encode()


def flip(data, flips):
    data = bytearray(data)
    for _ in range(flips):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


INVALID_UTF8 = [b"\xff", b"\xfe", b"\xc3\x28", b"\xe2\x82", b"\xf0\x28\x8c\x28", b"\xed\xa0\x80", b"\xc0\xaf"]


def csv_mutants():
    for i in range(per_kind):
        base = valid_csv(rows=rng.choice([8, 30, 60, 200]), features=rng.choice([1, 2, 5]), classes=rng.choice([2, 3]))
        lines = base.decode().rstrip("\n").split("\n")
        choice = i % 16
        if choice == 0:
            yield "byte flips", MAY_BE_VALID, flip(base, rng.randint(1, 8))
        elif choice == 1:
            yield "truncated", MAY_BE_VALID, base[: rng.randrange(len(base))]
        elif choice == 2:
            cells = lines[0].split(",")
            k = rng.randrange(len(cells))
            header = ",".join(cells[:k]).encode() + (b"," if k else b"") + cells[k].encode() + rng.choice(INVALID_UTF8) \
                + (b"," if k < len(cells) - 1 else b"") + ",".join(cells[k + 1:]).encode()
            yield "invalid UTF-8 in the header", MUST_REFUSE, header + b"\n" + "\n".join(lines[1:]).encode() + b"\n"
        elif choice == 3:
            r = rng.randrange(1, len(lines))
            lines_b = [line.encode() for line in lines]
            lines_b[r] = lines_b[r] + rng.choice(INVALID_UTF8)
            yield "invalid UTF-8 in a label", MUST_REFUSE, b"\n".join(lines_b) + b"\n"
        elif choice == 4:
            r = rng.randrange(1, len(lines))
            cells = lines[r].split(",")
            cells[0] = rng.choice(["x", "1", "9e9", "-"]) * rng.choice([10**5, 10**6, 5 * 10**6, 25 * 10**6])
            lines[r] = ",".join(cells)
            yield "huge field", MUST_REFUSE, ("\n".join(lines) + "\n").encode()
        elif choice == 5:
            columns = rng.choice([100_001, 150_000, 400_000])
            yield "%d columns" % columns, MUST_REFUSE, ((",".join(["1"] * columns) + "\n") * 3).encode()
        elif choice == 6:
            columns = rng.choice([200, 2000, 20000])
            header = ",".join("c%d" % c for c in range(columns)) + ",label\n"
            body = "".join(",".join(str(rng.randrange(10)) for _ in range(columns)) + ",%s\n" % ("ab"[r % 2])
                           for r in range(12))
            yield "%d columns" % columns, MUST_ACCEPT, (header + body).encode()
        elif choice == 7:
            r = rng.randrange(1, len(lines))
            cells = lines[r].split(",")
            cells[rng.randrange(len(cells) - 1)] = rng.choice(["nan", "NaN", "inf", "-inf", "1e999", "-1e400", "0x1p99999"])
            lines[r] = ",".join(cells)
            yield "non-finite number", MUST_REFUSE, ("\n".join(lines) + "\n").encode()
        elif choice == 8:
            r = rng.randrange(1, len(lines))
            cells = lines[r].split(",")
            if rng.random() < 0.5 or len(cells) < 3:
                cells += ["1"] * rng.randint(1, 3)
            else:
                cells = cells[: rng.randint(1, len(cells) - 1)]  # a cell or more fewer, never an empty line
            lines[r] = ",".join(cells)
            yield "a row of another width", MUST_REFUSE, ("\n".join(lines) + "\n").encode()
        elif choice == 9:
            yield rng.choice(["empty", "header only", "blank lines"]), MUST_REFUSE, \
                rng.choice([b"", lines[0].encode() + b"\n", b"\n\n\n"])
        elif choice == 10:
            body = [",".join(line.split(",")[:-1] + ["same"]) for line in lines[1:]]
            yield "one class", MUST_REFUSE, ("\n".join([lines[0]] + body) + "\n").encode()
        elif choice == 11:
            yield "random bytes", MAY_BE_VALID, bytes(rng.randrange(256) for _ in range(rng.randint(1, 5000)))
        elif choice == 12:
            variant = rng.choice(["crlf", "bom", "quoted", "semicolons"])
            text = "\n".join(lines) + "\n"
            if variant == "crlf":
                text = text.replace("\n", "\r\n")
            elif variant == "bom":
                text = "\ufeff" + text
            elif variant == "quoted":
                text = "\n".join(",".join('"%s"' % cell for cell in line.split(",")) for line in lines) + "\n"
            else:
                text = text.replace(",", ";")
            yield variant, MUST_ACCEPT, text.encode()
        elif choice == 13:
            r = rng.randrange(1, len(lines))
            lines[r] = lines[r] + '"' if rng.random() < 0.5 else '"' + lines[r]
            yield "unbalanced quote", MAY_BE_VALID, ("\n".join(lines) + "\n").encode()
        elif choice == 14:
            yield "NUL bytes", MAY_BE_VALID, flip(base, 0).replace(b",", b"\x00,", rng.randint(1, 5))
        else:
            yield "long line of digits", MUST_REFUSE, b"x,label\n" + b"1" * rng.choice([10**6, 20 * 10**6]) + b",a\n"


def check_csv():
    for label, expectation, data in csv_mutants():
        folder = fresh("csv")
        path = os.path.join(folder, "input.csv")
        with open(path, "wb") as f:
            f.write(data)
        saved = os.path.join(folder, "model.json")
        classify("csv", label, expectation,
                 ["train", "--dataset", path, "--model", "logistic", "--epochs", "2", "--save", saved],
                 [path], [path], folder, saved_model=saved)
        shutil.rmtree(folder)
    # A named pipe must be refused without being opened (it would block).
    folder = fresh("csv")
    pipe = os.path.join(folder, "pipe.csv")
    os.mkfifo(pipe)
    classify("csv", "named pipe", MUST_REFUSE, ["train", "--dataset", pipe, "--epochs", "1"], [pipe], [], folder,
             check_output=False)
    shutil.rmtree(folder)


# ------------------------------------------------------------------------------ IDX folders

IDX_NAMES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def idx_images(count, rows, cols):
    return struct.pack(">IIII", 0x803, count, rows, cols) + bytes(rng.randrange(256) for _ in range(count * rows * cols))


def idx_labels(count, classes):
    return struct.pack(">II", 0x801, count) + bytes(i % classes for i in range(count))


def idx_folder(train=40, test=20, rows=4, cols=4, classes=3):
    return {IDX_NAMES[0]: idx_images(train, rows, cols), IDX_NAMES[1]: idx_labels(train, classes),
            IDX_NAMES[2]: idx_images(test, rows, cols), IDX_NAMES[3]: idx_labels(test, classes)}


def idx_mutants():
    for i in range(per_kind):
        files = idx_folder(rows=rng.choice([2, 4, 7]), cols=rng.choice([2, 4, 7]), classes=rng.choice([2, 3, 10]))
        name = rng.choice(IDX_NAMES)
        compress = rng.random() < 0.5
        choice = i % 11
        if choice == 0:
            label, expectation = "valid", MUST_ACCEPT
        elif choice == 1:
            files[name] = flip(files[name][:16], rng.randint(1, 3)) + files[name][16:]
            label, expectation = "header byte flips in " + name, MAY_BE_VALID
        elif choice == 2:
            files[name] = files[name][: rng.randrange(len(files[name]) - 1)]
            label, expectation = "truncated " + name, MUST_REFUSE
        elif choice == 3:
            del files[name]
            label, expectation = "missing " + name, MUST_REFUSE
        elif choice == 4:
            # Training images 4x4; test images of another shape, some with the same pixel count.
            rows, cols = rng.choice([(10, 10), (8, 2), (2, 8), (16, 1), (1, 16)])
            files[IDX_NAMES[0]] = idx_images(40, 4, 4)
            files[IDX_NAMES[2]] = idx_images(20, rows, cols)
            label, expectation = "test images %dx%d against 4x4" % (rows, cols), MUST_REFUSE
        elif choice == 5:
            files = idx_folder(classes=1)
            label, expectation = "one class", MUST_REFUSE
        elif choice == 6:
            files[IDX_NAMES[1]] = idx_labels(rng.choice([39, 41, 1000]), 3)
            label, expectation = "label count differs", MUST_REFUSE
        elif choice == 7:
            count, rows, cols = rng.choice([(60000, 100, 100), (2**31, 28, 28), (2**32 - 1, 2**16, 2**16)])
            files[IDX_NAMES[0]] = struct.pack(">IIII", 0x803, count, rows, cols) + bytes(1000)
            label, expectation = "header promising %d x %d x %d" % (count, rows, cols), MUST_REFUSE
        elif choice == 8:
            compress = True
            label, expectation = "gzip bomb in " + name, MAY_BE_VALID
            files[name] = files[name] + bytes(rng.choice([10, 100, 300]) << 20)
        elif choice == 9:
            compress = True
            label, expectation = "corrupt gzip stream in " + name, MUST_REFUSE
        else:
            files[name] = files[name][:8] + flip(files[name][8:], rng.randint(1, 20))
            label, expectation = "payload byte flips in " + name, MAY_BE_VALID
        yield label + (" (gzip)" if compress else ""), expectation, files, compress, choice == 9 and name


def check_idx():
    for label, expectation, files, compress, corrupt in idx_mutants():
        folder = fresh("idx")
        data = os.path.join(folder, "data")
        os.mkdir(data)
        paths = []
        for name, content in files.items():
            path = os.path.join(data, name + (".gz" if compress else ""))
            blob = gzip.compress(content, 6) if compress else content
            if corrupt == name:
                blob = blob[:10] + flip(blob[10:-8], rng.randint(1, 10)) + blob[-8:] if rng.random() < 0.5 \
                    else blob[: rng.randrange(10, len(blob))]
            with open(path, "wb") as f:
                f.write(blob)
            paths.append(path)
        names = [data] + paths + [os.path.basename(p) for p in paths]
        saved = os.path.join(folder, "model.json")
        classify("idx", label, expectation,
                 ["train", "--dataset", data, "--model", "logistic", "--epochs", "1", "--save", saved],
                 names, [data], folder, saved_model=saved)
        shutil.rmtree(folder)


# ------------------------------------------------------------------------------ sessions and models

def leaf_paths(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaf_paths(item, path + (index,))
    else:
        yield path, value


def set_at(document, path, value):
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


def deep(depth, kind):
    return "[" * depth + "]" * depth if kind == "array" else '{"a":' * depth + "1" + "}" * depth


def free_form(path):
    """The app's view state in a session and a model's metadata are carried verbatim, unchecked."""
    return "app" in path[:1] or "metadata" in path[:2]


def json_mutants(base_text, targeted, count):
    """count mutants of one JSON document: (label, expectation, bytes)."""
    base = json.loads(base_text)
    leaves = [(p, v) for p, v in leaf_paths(base)]
    for i in range(count):
        choice = i % 8
        if choice == 0:
            yield "byte flips", MAY_BE_VALID, flip(base_text.encode(), rng.randint(1, 6))
        elif choice == 1:
            end = base_text.rstrip().rfind("}")
            yield "truncated", MUST_REFUSE, base_text[: rng.randrange(1, end)].encode()
        elif choice == 2:
            # A number where the reader wants one, replaced by another type.
            candidates = [(p, v) for p, v in leaves if isinstance(v, (int, float)) and not isinstance(v, bool)
                          and not free_form(p)]
            path, _ = rng.choice(candidates)
            document = json.loads(base_text)
            set_at(document, path, rng.choice(["x", "", [1], {"a": 1}, True]))
            yield "wrong type at " + ".".join(map(str, path)), MUST_REFUSE, json.dumps(document).encode()
        elif choice == 3:
            path, _ = rng.choice(leaves)
            document = json.loads(base_text)
            set_at(document, path, rng.choice([-1, 0, 2**63, -2**63, 1e308, -1e308, 0.5, 10**30, None, "", []]))
            yield "odd value at " + ".".join(map(str, path)), MAY_BE_VALID, json.dumps(document).encode()
        elif choice == 4:
            path, _ = rng.choice([(p, v) for p, v in leaves if isinstance(v, (int, float)) and not free_form(p)])
            document = json.loads(base_text)
            set_at(document, path, "@@LITERAL@@")
            text = json.dumps(document).replace('"@@LITERAL@@"', rng.choice(["1e999", "-1e999", "NaN", "Infinity"]))
            yield "1e999 at " + ".".join(map(str, path)), MUST_REFUSE, text.encode()
        elif choice == 5:
            path, _ = rng.choice(leaves)
            document = json.loads(base_text)
            set_at(document, path, "@@DEEP@@")
            kind = rng.choice(["array", "object"])
            text = json.dumps(document).replace('"@@DEEP@@"', deep(rng.choice([100, 5000, 60000, 120000]), kind))
            yield "deep %s at %s" % (kind, ".".join(map(str, path))), MUST_REFUSE, text.encode()
        elif choice == 6:
            path, _ = rng.choice([(p, v) for p, v in leaves if isinstance(v, str)] or leaves)
            document = json.loads(base_text)
            set_at(document, path, "z" * rng.choice([10**5, 10**6, 10**7]))
            yield "long string at " + ".".join(map(str, path)), MAY_BE_VALID, json.dumps(document).encode()
        else:
            label, edit = rng.choice(targeted)
            document = json.loads(base_text)
            try:
                edit(document)
            except (KeyError, IndexError, TypeError):
                continue
            yield label, MUST_REFUSE, json.dumps(document).encode()


def session_edits():
    def hidden(d):
        d["architecture"]["hidden"] = [30000, 30000]
        d["model"] = None
    def classes(d):
        d["architecture"]["classes"] = 5
    def names(d):
        d["model"]["classNames"] = ["left", "right"]
    def targets(d):
        d["compression"]["pruning"]["scope"] = "per-layer"
        d["compression"]["pruning"]["per_layer"] = [0.5] * 9
    def inputs(d):
        d["architecture"]["inputs"] = 7
        d["model"] = None
    def version(d):
        d["version"] = 99
    def grid(d):
        d["sweep"]["grid"]["l1"] = [0.01] * 1001
    def folds(d):
        d["sweep"]["options"]["folds"] = 500
    def epochs(d):
        d["training"]["epochs"] = 4294967296
    def seed(d):
        d["model_seed"] = -1
    return [("hidden 30000,30000", hidden), ("5 classes for 2", classes), ("wrong class names", names),
            ("9 per-layer targets", targets), ("7 inputs for 2 features", inputs), ("version 99", version),
            ("sweep of 1001 lambdas", grid), ("500 folds", folds), ("epochs 2^32", epochs), ("model seed -1", seed)]


def model_edits():
    def inputs(d):
        d["architecture"]["inputs"] = d["architecture"]["inputs"] + 1
    def hidden(d):
        d["architecture"]["hidden"] = [30000, 30000]
    def names(d):
        d["classNames"] = d["classNames"][:-1]
    def weights(d):
        d["layers"][0]["weights"] = d["layers"][0]["weights"][:-1]
    return [("one input more", inputs), ("hidden 30000,30000", hidden), ("a class name fewer", names),
            ("a weight row fewer", weights)]


def make_bases():
    folder = fresh("bases")
    bases = {}
    model = os.path.join(folder, "model.json")
    steps = [
        ["train", "--dataset", "moons", "--samples", "120", "--model", "6", "--epochs", "3", "--session",
         os.path.join(folder, "train.json"), "--save", model],
        ["scan", "--model", model, "--out", os.path.join(folder, "scan.csv"), "--levels", "12", "--session",
         os.path.join(folder, "scan.json")],
        ["sweep", "--dataset", "moons", "--samples", "120", "--model", "6", "--epochs", "2", "--l1", "0.001,0.01",
         "--sparsity", "0,0.5", "--out", os.path.join(folder, "sweep"), "--session", os.path.join(folder, "sweep.json")],
    ]
    for args in steps:
        code, out, err, _ = run(args)
        if code != 0:
            sys.exit("hostile-check: could not write the base inputs: %s\n%s" % (" ".join(args), err))
    for name in ("train", "scan", "sweep"):
        with open(os.path.join(folder, name + ".json")) as f:
            bases[name] = f.read()
    with open(model) as f:
        bases["model"] = f.read()
    return bases


def check_sessions(bases):
    edits = session_edits()
    kinds = ["train", "scan", "sweep"]
    for k, name in enumerate(kinds):
        share = per_kind // len(kinds) + (1 if k < per_kind % len(kinds) else 0)
        for label, expectation, data in json_mutants(bases[name], edits, share):
            folder = fresh("session")
            path = os.path.join(folder, "session.json")
            with open(path, "wb") as f:
                f.write(data)
            out = os.path.join(folder, "out")
            classify("session", name + ": " + label, expectation,
                     ["export", "--session", path, "--out", out, "--view", "training", "--format", "csv"],
                     [path], [path], folder, check_output=False)
            shutil.rmtree(folder)


def check_models(bases):
    for label, expectation, data in json_mutants(bases["model"], model_edits(), per_kind):
        folder = fresh("model")
        path = os.path.join(folder, "model.json")
        with open(path, "wb") as f:
            f.write(data)
        classify("model", label, expectation,
                 ["prune", "--model", path, "--sparsity", "0.5", "--dataset", "moons", "--samples", "120"],
                 [path], [path], folder, check_output=False)
        shutil.rmtree(folder)


# ------------------------------------------------------------------------------ command line

OPTIONS = {
    # option: [(value, must refuse)]
    "--dataset": [("moons", False), ("iris", False), ("digits", False), ("xor", False), ("breast-cancer", False),
                  ("article", False), ("no-such-set", True)],
    "--model": [("logistic", False), ("8", False), ("16,8", False), ("30000,30000", True), ("0", True),
                ("8,x", True), ("-3", True), ("2," * 40 + "2", True)],
    "--optimizer": [("sgd", False), ("momentum", False), ("adam", False), ("rmsprop", False), ("lbfgs", True)],
    "--lr": [("0.01", False), ("0.1", False), ("1", False), ("30", False), ("1e3", False), ("1e6", False),
             ("0", True), ("-1", True), ("nan", True), ("inf", True), ("1e400", True), ("fast", True)],
    "--epochs": [("1", False), ("3", False), ("0", False), ("100001", True), ("4294967296", True), ("-1", True),
                 ("1.5", True), ("2abc", True)],
    "--batch": [("1", False), ("32", False), ("100000", False), ("0", True), ("-1", True), ("4294967296", True)],
    "--l1": [("0", False), ("0.001", False), ("10", False), ("-0.1", True), ("nan", True)],
    "--l2": [("0", False), ("0.01", False), ("-1", True), ("inf", True)],
    "--dropout": [("0", False), ("0.5", False), ("1", True), ("-0.1", True), ("nan", True)],
    "--samples": [("200", False), ("2000", False), ("2", True), ("10000001", True), ("4294967296", True), ("-5", True)],
    "--classes": [("3", False), ("1", True), ("4294967296", True), ("51", True)],
    "--test-fraction": [("0.2", False), ("0.5", False), ("1e-9", True), ("1", True), ("-0.1", True), ("nan", True)],
    "--seed": [("7", False), ("18446744073709551615", False), ("-1", True), ("18446744073709551616", True)],
}


def check_command_line():
    for i in range(per_kind):
        args = ["train"]
        chosen = ["--dataset", "--model", "--optimizer", "--lr", "--epochs"]
        chosen += rng.sample([o for o in OPTIONS if o not in chosen], rng.randint(0, 4))
        values = {}
        for option in chosen:
            # Mostly sane values, so that each combination has one or two hostile ones.
            pool = OPTIONS[option]
            sane = [v for v in pool if not v[1]]
            value, _ = rng.choice(pool) if rng.random() < 0.3 else rng.choice(sane)
            values[option] = value
            args += [option, value]
        if values["--dataset"] not in ("moons", "xor"):  # --samples and --classes apply to the generators only
            for option in ("--samples", "--classes"):
                if option in values:
                    index = args.index(option)
                    del args[index:index + 2]
                    del values[option]
        refuse = any(dict(OPTIONS[option])[value] for option, value in values.items())
        # Adam and RMSprop at 1e3 and more diverge on every dataset: they must not "finish"
        # (unless the exact solver fits it: logistic regression with L1 and no dropout).
        exact = values["--model"] == "logistic" and float(values.get("--l1", "0")) > 0 \
            and float(values.get("--dropout", "0")) == 0
        if values["--optimizer"] in ("adam", "rmsprop") and values["--lr"] in ("1e3", "1e6") \
                and values["--epochs"] != "0" and not exact:
            refuse = True
        folder = fresh("cli")
        saved = os.path.join(folder, "model.json")
        args += ["--save", saved]
        # A clean message names the option, the divergence or the missing test set.
        names = list(values) + ["diverged", "no test samples", "'%s'" % values["--dataset"]]
        classify("command line", " ".join(args[1:-2]), MUST_REFUSE if refuse else MAY_BE_VALID, args, names,
                 [folder], folder, saved_model=saved)
        shutil.rmtree(folder)


# ------------------------------------------------------------------------------ commands

def check_commands():
    """Mistyped commands must not start the window; the window without a display says so."""
    words = ["trian", "tarin", "sweeep", "scna", "prun", "metric", "exprot", "demoo", "xyz", "-", "--", "", "train2",
             "TRAIN", "help", "\u00e9", "a" * 5000]
    for i in range(max(1, per_kind // 10)):
        word = words[i % len(words)] if i < len(words) else "".join(rng.choice("abcdefghijklmnopqrstuvwxyz")
                                                                     for _ in range(rng.randint(1, 12)))
        if word in ("help",):
            continue
        folder = fresh("command")
        classify("commands", "command %r" % word[:20], MUST_REFUSE, [word, "--epochs", "1"],
                 ["unknown command", "unknown option"], [], folder, check_output=False)
        shutil.rmtree(folder)
    environment = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(environment)
    try:
        folder = fresh("command")
        classify("commands", "the window without a display", MUST_REFUSE, [], ["no display"], [], folder,
                 check_output=False)
        shutil.rmtree(folder)
    finally:
        os.environ.clear()
        os.environ.update(saved)


started = time.monotonic()
try:
    bases = make_bases()
    for name, check in [("csv", check_csv), ("idx", check_idx), ("session", lambda: check_sessions(bases)),
                        ("model", lambda: check_models(bases)), ("command line", check_command_line),
                        ("commands", check_commands)]:
        kind_start = time.monotonic()
        check()
        print("hostile-check: %s: %d inputs in %.0fs" % (name, counts.get(name, {}).get("inputs", 0),
                                                        time.monotonic() - kind_start), file=sys.stderr)
finally:
    if not keep:
        shutil.rmtree(work, ignore_errors=True)

order = ["inputs", "clean error", "accepted-valid", "unnamed error", "refused-valid", "crash", "hang",
         "silent acceptance", "other exit", "stray temporary"]
report = {"binary": binary, "timeout_seconds": timeout, "memory_limit_mb": memory_mb,
          "seconds": round(time.monotonic() - started, 1),
          "kinds": {kind: {key: per.get(key, 0) for key in order} for kind, per in counts.items()},
          "examples": examples}
if keep:
    report["kept"] = kept
print(json.dumps(report, indent=2))
total = collections.Counter()
for per in counts.values():
    total.update(per)
print("hostile-check: %d inputs: %d clean errors, %d accepted valid, %d unnamed errors, %d valid refused, "
      "%d crashes, %d hangs, %d silent acceptances, %d other exits (%.0fs)"
      % (total["inputs"], total["clean error"], total["accepted-valid"], total["unnamed error"], total["refused-valid"],
         total["crash"], total["hang"], total["silent acceptance"], total["other exit"], time.monotonic() - started))
sys.exit(1 if total["crash"] or total["hang"] or total["silent acceptance"] else 0)
PYTHON
