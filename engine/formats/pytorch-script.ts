/**
 * The fixed Python of the PyTorch export (engine/formats/pytorch-export.ts fills in its @@NAME@@
 * places): the script around the network (reading and encoding the CSV, the validation split, the
 * weights files, the training loop on one process or several), and Keras's RMSprop and Adam updates.
 */

export const RMSPROP_CLASS = `

class KerasRMSprop(torch.optim.Optimizer):
    """RMSprop as Keras (and the app) define it:
    s = rho*s + (1 - rho)*g^2; w -= lr*g / sqrt(s + epsilon).

    torch.optim.RMSprop adds epsilon after the square root (lr*g / (sqrt(s) + eps)), which differs
    where s is small, so the update is written out here.
    """

    def __init__(self, params, lr, rho=0.9, epsilon=1e-7):
        super().__init__(params, {"lr": lr, "rho": rho, "epsilon": epsilon})

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, rho, eps = group["lr"], group["rho"], group["epsilon"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["s"] = torch.zeros_like(p)
                s = state["s"]
                s.mul_(rho).addcmul_(p.grad, p.grad, value=1 - rho)
                p.sub_(lr * p.grad / (s + eps).sqrt())
        return loss
`;

export const ADAM_CLASS = `

class KerasAdam(torch.optim.Optimizer):
    """Adam as Keras (and the app) define it, step t:
    m += (1 - beta1)*(g - m); v += (1 - beta2)*(g^2 - v);
    w -= lr*sqrt(1 - beta2^t)/(1 - beta1^t) * m / (sqrt(v) + epsilon).

    torch.optim.Adam divides by sqrt(v)/sqrt(1 - beta2^t) + eps instead: its eps is Keras's epsilon
    times sqrt(1 - beta2^t), which changes with t, so the update is written out here.
    """

    def __init__(self, params, lr, beta1=0.9, beta2=0.999, epsilon=1e-7):
        super().__init__(params, {"lr": lr, "beta1": beta1, "beta2": beta2, "epsilon": epsilon})

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, b1, b2, eps = group["lr"], group["beta1"], group["beta2"], group["epsilon"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["t"] = 0
                    state["m"] = torch.zeros_like(p)
                    state["v"] = torch.zeros_like(p)
                state["t"] += 1
                t, m, v, g = state["t"], state["m"], state["v"], p.grad
                m.add_((g - m) * (1 - b1))
                v.add_((g * g - v) * (1 - b2))
                alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
                p.sub_(alpha * m / (v.sqrt() + eps))
        return loss
`;

export const SCRIPT = String.raw`#!/usr/bin/env python3
"""Trains a network exported from Backprop Studio, in PyTorch (1.13 or later, CPU).

    python3 @@SCRIPT@@ data.csv                      # train with the settings below
    python3 @@SCRIPT@@ data.csv --epochs 20 --lr 0.001 --out trained.npz
    python3 @@SCRIPT@@ new.csv --predict predictions.json   # predict, no training
    torchrun --nproc_per_node 2 @@SCRIPT@@ data.csv  # several processes

It starts from the weights beside it (@@WEIGHTS@@), reads the CSV (a header row with the
same column names as the app's data), encodes it as the app does, trains with the app's loss and
optimiser, prints the loss of each epoch and saves the trained weights (a state_dict .pt, or an
.npz laid out like @@WEIGHTS@@).
"""
import argparse
import array
import ast
import csv
import decimal
import itertools
import json
import math
import os
import re
import sys
import zipfile
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

HERE = Path(__file__).resolve().parent
WEIGHTS_FILE = HERE / "@@WEIGHTS@@"

# The preprocessing fitted by the app. Numeric features: x' = (x - mean) / scale, a missing cell
# takes fill (None: the row cannot be used). Categorical features: one-hot in this order of
# categories. The target: one-hot classes (or, with one output and two classes, 1 for the second),
# or for regression y' = (y - mean) / scale.
FEATURES = [
@@FEATURES@@
]
TARGET = @@TARGET@@
OUTPUTS = @@OUTPUTS@@
LOSS = @@LOSS@@

@@TRAINING@@

# Each layer's weights in the .npz file, by node id: <id>/kernel in the app's and Keras's layout,
# [inputs, units] (nn.Linear's weight is its transpose) or [kh, kw, in, filters] for a convolution
# (see from_keras), and <id>/bias; a batch norm's scale γ as <id>/kernel, its offset β as <id>/bias,
# and <id>/movingMean, <id>/movingVariance. Node id: attribute of Network.
LAYERS = @@LAYERS@@


@@NETWORK@@


def batch_loss(model, x, y):
    """The mean loss of a batch as the app computes it.

    @@LOSS_DOC@@
    """
    return @@LOSS_CALL@@


def penalty(net):
    """The kernel penalties added to the training loss, l1*sum(|w|) + l2*sum(w^2): each dense
    node's own, or the run's L2 setting on a dense node without one, as the app adds them.
    """
@@PENALTY@@


def make_optimizer(parameters, lr):
@@OPTIMIZER@@
@@OPTIMIZER_CLASSES@@

# ---- Data: the CSV read and encoded as the app reads and encodes it ----

MISSING = {"", "na", "n/a", "nan", "null", "?", "-"}
NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def is_missing(cell):
    return cell.strip().lower() in MISSING


def as_number(cell):
    """The cell's value when it is a plain decimal number (1, -2.5, 1e-3), else None."""
    text = cell.strip()
    if not NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def number_name(value):
    """A number as JavaScript writes it (1.0 -> "1", 1e-7 -> "1e-7"): a numeric category's name."""
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    sign, digits, exponent = decimal.Decimal(repr(value)).normalize().as_tuple()
    digits = "".join(map(str, digits))
    point = len(digits) + exponent  # where the decimal point goes in digits
    if len(digits) <= point <= 21:
        text = digits + "0" * (point - len(digits))
    elif 0 < point <= 21:
        text = digits[:point] + "." + digits[point:]
    elif -6 < point <= 0:
        text = "0." + "0" * -point + digits
    else:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        text = mantissa + "e" + ("+" if point > 0 else "-") + str(abs(point - 1))
    return ("-" if sign else "") + text


def as_label(cell):
    """A cell as a category: None when missing, a number's name, else the trimmed text."""
    if is_missing(cell):
        return None
    value = as_number(cell)
    return cell.strip() if value is None else number_name(value)


def guess_delimiter(path):
    """The one of , ; tab | that splits the first ten non-blank records most evenly, then widest."""
    best, best_delta, best_avg = ",", math.inf, 0.0
    for delimiter in (",", ";", "\t", "|"):
        with open(path, newline="", encoding="utf-8-sig") as f:
            try:
                rows = csv.reader(f, delimiter=delimiter)
                records = (r for r in rows if any(c.strip() for c in r))
                counts = [len(r) for r in itertools.islice(records, 10)]
            except csv.Error:
                continue
        if not counts or sum(counts) / len(counts) <= 1.99:
            continue
        delta = sum(abs(a - b) for a, b in zip(counts, counts[1:]))
        avg = sum(counts) / len(counts)
        if delta < best_delta or (delta == best_delta and avg > best_avg):
            best, best_delta, best_avg = delimiter, delta, avg
    return best


def read_csv(path):
    """The header and the non-blank rows (with their row numbers as a spreadsheet shows them)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f, delimiter=guess_delimiter(path))
        header = [name.strip() for name in next(reader, [])]
        rows = [(reader.line_num, r) for r in reader if any(c.strip() for c in r)]
    return header, rows


def encode(header, rows, with_target):
    """The rows as the network's inputs x [rows, features] and its targets y [rows, OUTPUTS]."""
    column = {name: j for j, name in enumerate(header)}
    needed = [f["name"] for f in FEATURES] + ([TARGET["name"]] if with_target else [])
    for name in needed:
        if name not in column:
            sys.exit(f"The CSV has no column {name!r} (its columns: {', '.join(header)}).")

    def cell(row, name):
        j = column[name]
        return row[j] if j < len(row) else ""

    def bad(number, name, problem):
        sys.exit(f"Row {number}, column {name!r}: {problem}.")

    xs, ys = [], []
    for number, row in rows:
        x = []
        for f in FEATURES:
            text = cell(row, f["name"])
            if f["kind"] == "numeric":
                value = None if is_missing(text) else as_number(text)
                if value is None and not is_missing(text):
                    bad(number, f["name"], f"{text.strip()!r} is not a number")
                if value is None:
                    if f["fill"] is None:
                        bad(number, f["name"], "missing value")
                    value = f["fill"]
                x.append((value - f["mean"]) / f["scale"])
            else:
                label = as_label(text)
                if label is None:
                    if f["fill"] is None:
                        bad(number, f["name"], "missing value")
                    label = f["fill"]
                if label not in f["categories"]:
                    bad(number, f["name"], f"unknown category {label!r}")
                x.extend(1.0 if label == c else 0.0 for c in f["categories"])
        xs.append(x)
        if with_target:
            text = cell(row, TARGET["name"])
            if TARGET["task"] == "regression":
                value = as_number(text)
                if value is None:
                    bad(number, TARGET["name"], "the target is missing or not a number")
                ys.append([(value - TARGET["mean"]) / TARGET["scale"]])
            else:
                label = as_label(text)
                if label not in TARGET["classes"]:
                    bad(number, TARGET["name"], f"unknown class {label!r}")
                k = TARGET["classes"].index(label)
                if OUTPUTS == 1:
                    ys.append([float(k == 1)])
                else:
                    ys.append([1.0 if k == j else 0.0 for j in range(OUTPUTS)])
    x = torch.tensor(xs, dtype=torch.float32).reshape(len(xs), -1)
    y = torch.tensor(ys, dtype=torch.float32).reshape(len(ys), OUTPUTS) if with_target else None
    return x, y


class Sfc32:
    """The app's seeded generator (sfc32 seeded through splitmix32), for its validation split."""

    M = 0xFFFFFFFF

    def __init__(self, seed):
        s = int(seed) & self.M
        words = []
        for _ in range(4):
            s = (s + 0x9E3779B9) & self.M
            z = s
            z = ((z ^ (z >> 16)) * 0x85EBCA6B) & self.M
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & self.M
            words.append((z ^ (z >> 16)) & self.M)
        self.a, self.b, self.c, self.d = words
        for _ in range(12):
            self.next()

    def next(self):
        """Uniform in [0, 1)."""
        t = (self.a + self.b + self.d) & self.M
        self.d = (self.d + 1) & self.M
        self.a = self.b ^ (self.b >> 9)
        self.b = (self.c + (self.c << 3)) & self.M
        self.c = (((self.c << 21) | (self.c >> 11)) + t) & self.M
        return t / 4294967296


def split_rows(n, validation_split, seed, shuffle):
    """The app's split: a seeded shuffle (when shuffling), then the last rows held out."""
    order = list(range(n))
    if shuffle:
        rng = Sfc32(seed)
        for i in range(n - 1, 0, -1):
            j = math.floor(rng.next() * (i + 1))
            order[i], order[j] = order[j], order[i]
    n_train = math.floor(n * (1 - validation_split) + 1e-9)
    if n_train == 0:
        sys.exit(f"No rows left to train on: {n} rows, validation split {validation_split}.")
    return order[:n_train], order[n_train:]


# ---- Weights: .npz (float32 .npy files in a zip, without NumPy) or a .pt state_dict ----


def read_npz(path):
    arrays = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            data = z.read(name)
            if data[:6] != b"\x93NUMPY":
                raise ValueError(f"{path}: {name} is not an .npy file")
            start = 10 if data[6] == 1 else 12
            size = int.from_bytes(data[8:start], "little")
            header = ast.literal_eval(data[start : start + size].decode("latin1"))
            if header["descr"] != "<f4" or header["fortran_order"]:
                raise ValueError(f"{path}: {name} is not float32 little-endian in C order")
            values = array.array("f")
            values.frombytes(data[start + size :])
            if sys.byteorder == "big":
                values.byteswap()
            tensor = torch.tensor(values.tolist(), dtype=torch.float32)
            arrays[name[: -len(".npy")]] = tensor.reshape(header["shape"])
    return arrays


def write_npz(path, arrays):
    with zipfile.ZipFile(path, "w") as z:
        for name, tensor in arrays.items():
            values = array.array("f", tensor.detach().flatten().tolist())
            if sys.byteorder == "big":
                values.byteswap()
            shape = tuple(tensor.shape)
            header = "{'descr': '<f4', 'fortran_order': False, 'shape': %r, }" % (shape,)
            header += " " * (63 - (10 + len(header)) % 64) + "\n"  # data on a 64-byte boundary
            magic = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little")
            z.writestr(name + ".npy", magic + header.encode("latin1") + values.tobytes())


def from_keras(kernel):
    """A kernel in Keras layout as PyTorch's weight: nn.Linear's is [units, inputs], the transpose of
    [inputs, units]; nn.Conv2d's is [filters, in, kh, kw], from [kh, kw, in, filters]; a batch
    norm's scale [channels] is the same in both."""
    if kernel.dim() == 1:
        return kernel
    return kernel.t() if kernel.dim() == 2 else kernel.permute(3, 2, 0, 1)


def to_keras(weight):
    """PyTorch's weight in Keras layout again (the inverse of from_keras)."""
    if weight.dim() == 1:
        return weight
    return weight.t() if weight.dim() == 2 else weight.permute(2, 3, 1, 0)


def load_weights(net, path):
    if path.suffix == ".pt":
        net.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        return
    arrays = read_npz(path)
    with torch.no_grad():
        for node_id, attribute in LAYERS.items():
            layer = getattr(net, attribute)
            layer.weight.copy_(from_keras(arrays[node_id + "/kernel"]))
            if layer.bias is not None:
                layer.bias.copy_(arrays[node_id + "/bias"])
            if isinstance(layer, nn.modules.batchnorm._BatchNorm):
                layer.running_mean.copy_(arrays[node_id + "/movingMean"])
                layer.running_var.copy_(arrays[node_id + "/movingVariance"])


def save_weights(net, path):
    if path.suffix != ".npz":
        torch.save(net.state_dict(), path)
        return
    arrays = {}
    for node_id, attribute in LAYERS.items():
        layer = getattr(net, attribute)
        arrays[node_id + "/kernel"] = to_keras(layer.weight)
        if layer.bias is not None:
            arrays[node_id + "/bias"] = layer.bias
        if isinstance(layer, nn.modules.batchnorm._BatchNorm):
            arrays[node_id + "/movingMean"] = layer.running_mean
            arrays[node_id + "/movingVariance"] = layer.running_var
    write_npz(path, arrays)


def predictions(outputs):
    """The network's outputs as the app reads them: a class (and its probabilities) or a value."""
    result = []
    for p in outputs.tolist():
        if TARGET["task"] == "regression":
            result.append(p[0] * TARGET["scale"] + TARGET["mean"])
        elif len(p) == 1:
            result.append(TARGET["classes"][1 if p[0] > 0.5 else 0])
        else:
            result.append(TARGET["classes"][p.index(max(p))])
    return result


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", help="CSV file with a header row, the columns the app trained on")
    parser.add_argument("--epochs", type=int, default=TRAINING["epochs"])
    parser.add_argument("--batch-size", type=int, default=TRAINING["batch_size"], help="per process")
    parser.add_argument("--lr", type=float, default=TRAINING["learning_rate"], help="learning rate")
    parser.add_argument("--validation-split", type=float, default=TRAINING["validation_split"])
    parser.add_argument("--shuffle", action="store_true", help="shuffle the rows (split, batches)")
    parser.add_argument("--no-shuffle", dest="shuffle", action="store_false", help="keep the row order")
    parser.set_defaults(shuffle=TRAINING["shuffle"])
    parser.add_argument("--seed", type=int, default=TRAINING["seed"])
    parser.add_argument("--weights", type=Path, default=WEIGHTS_FILE, help="start from these (.npz, .pt)")
    parser.add_argument("--out", type=Path, default=Path("@@STEM@@_trained.pt"), help=".pt or .npz")
    parser.add_argument("--predict", type=Path, metavar="JSON", help="write predictions ('-': print), stop")
    return parser.parse_args()


def main():
    args = parse_args()
    # Several processes (torchrun, or MASTER_ADDR, MASTER_PORT, WORLD_SIZE and RANK set by hand).
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1:
        dist.init_process_group("gloo")
    rank = dist.get_rank() if world > 1 else 0
    torch.manual_seed(args.seed + rank)

    net = Network()
    load_weights(net, args.weights)
    header, rows = read_csv(args.data)

    if args.predict:
        x, _ = encode(header, rows, with_target=False)
        net.eval()
        with torch.no_grad():
            outputs = net(x)
        if rank == 0:
            text = json.dumps({"outputs": outputs.tolist(), "predictions": predictions(outputs)})
            if str(args.predict) == "-":
                print(text)
            else:
                args.predict.write_text(text + "\n")
        if world > 1:
            dist.destroy_process_group()
        return

    x, y = encode(header, rows, with_target=True)
    train_rows, validation_rows = split_rows(len(x), args.validation_split, args.seed, args.shuffle)
    train_set = TensorDataset(x[train_rows], y[train_rows])
    if world > 1:
        sampler = DistributedSampler(train_set, shuffle=args.shuffle, seed=args.seed)
        batches = DataLoader(train_set, batch_size=args.batch_size, sampler=sampler)
        model = DistributedDataParallel(net)
    else:
        sampler = None
        order = torch.Generator().manual_seed(args.seed)
        batches = DataLoader(
            train_set, batch_size=args.batch_size, shuffle=args.shuffle, generator=order
        )
        model = net
    optimizer = make_optimizer(model.parameters(), args.lr)

    for epoch in range(1, args.epochs + 1):
        if sampler is not None:
            sampler.set_epoch(epoch)
        model.train()
        total = torch.zeros(2, dtype=torch.float64)  # sum of batch loss * rows, rows
        for xb, yb in batches:
            optimizer.zero_grad()
            loss = batch_loss(model, xb, yb) + penalty(net)
            loss.backward()
            optimizer.step()
            total += torch.tensor([loss.item() * len(xb), len(xb)], dtype=torch.float64)
        if world > 1:
            dist.all_reduce(total)
        line = f"epoch {epoch}/{args.epochs}  loss {(total[0] / total[1]).item():.7g}"
        if validation_rows:
            net.eval()
            with torch.no_grad():
                val_loss = batch_loss(net, x[validation_rows], y[validation_rows]).item()
            line += f"  val_loss {val_loss:.7g}"
        if rank == 0:
            print(line, flush=True)

    if rank == 0:
        save_weights(net, args.out)
        print(f"saved {args.out}", flush=True)
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
