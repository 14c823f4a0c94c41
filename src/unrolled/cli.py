"""The ``unrolled`` command line.

    unrolled bench                 our layers against the built-ins (chapter 10's table)
    unrolled bench --lengths       time and memory against sequence length

Adding a subcommand: write ``add_<name>_arguments(parser)`` and ``<name>(args) -> int``
(the exit status), and register both in :data:`COMMANDS`.
"""

import argparse
import json
import sys

DEFAULT_LENGTHS = (25, 50, 100, 200)


# ------------------------------------------------------------------------------ bench

def _int_list(text):
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}")
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def _name_list(allowed):
    def parse(text):
        names = [v.strip().lower() for v in text.split(",") if v.strip()]
        bad = [n for n in names if n not in allowed]
        if not names or bad:
            raise argparse.ArgumentTypeError(f"choose from {','.join(allowed)}; got {text!r}")
        return names

    return parse


def add_bench_arguments(p):
    p.add_argument("--batch", "-B", type=int, default=64, help="batch size B (default 64)")
    p.add_argument("--steps", "-T", type=int, default=100, help="sequence length T (default 100)")
    p.add_argument("--input", "-I", type=int, default=64, help="input size I (default 64)")
    p.add_argument("--hidden", "-H", type=int, default=128, help="hidden size H (default 128)")
    p.add_argument("--repeats", type=int, default=5,
                   help="timed runs per measurement; the median is reported (default 5)")
    p.add_argument("--warmup", type=int, default=2, help="untimed runs first (default 2)")
    p.add_argument("--frameworks", type=_name_list(("torch", "keras")), default=["torch", "keras"],
                   help="comma-separated: torch,keras (default both)")
    p.add_argument("--kinds", type=_name_list(("lstm", "gru", "rnn")), default=None,
                   help="layers: lstm,gru,rnn (default lstm,gru; lstm with --lengths)")
    p.add_argument("--devices", type=_name_list(("cpu", "cuda")), default=None,
                   help="PyTorch devices (default cpu, plus cuda when available)")
    p.add_argument("--lengths", type=_int_list, nargs="?", const=list(DEFAULT_LENGTHS),
                   default=None, metavar="T1,T2,...",
                   help="instead: time and memory against sequence length "
                        f"(default lengths {','.join(map(str, DEFAULT_LENGTHS))})")
    p.add_argument("--threads", type=int, default=None,
                   help="CPU threads for PyTorch and TensorFlow (default: theirs); 1 gives "
                        "steadier numbers on a busy or shared machine")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")


def _set_threads(n, frameworks):
    if "torch" in frameworks:
        import torch

        torch.set_num_threads(n)
    if "keras" in frameworks:
        try:
            import tensorflow as tf

            tf.config.threading.set_intra_op_parallelism_threads(n)
            tf.config.threading.set_inter_op_parallelism_threads(n)
        except Exception:  # another backend, or TensorFlow already running
            pass


def bench(args):
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's start-up chatter out
    from unrolled import bench as b

    if args.threads:
        _set_threads(args.threads, args.frameworks)

    def say(msg):  # progress on stderr, so stdout stays a clean table / JSON
        print(f"  measuring {msg} ...", file=sys.stderr, flush=True)

    common = dict(batch=args.batch, input_size=args.input, hidden=args.hidden,
                  repeats=args.repeats, warmup=args.warmup, frameworks=args.frameworks,
                  devices=args.devices, progress=None if args.json else say)
    if args.lengths:
        kinds = args.kinds or ["lstm"]
        rows = b.bench_lengths(lengths=args.lengths, kinds=kinds, **common)
        title = (f"Forward+backward against sequence length: B={args.batch}, I={args.input}, "
                 f"H={args.hidden}, median of {args.repeats}")
        config = dict(common, lengths=args.lengths, kinds=kinds, table="lengths")
    else:
        kinds = args.kinds or ["lstm", "gru"]
        rows = b.bench_layers(steps=args.steps, kinds=kinds, **common)
        title = (f"Ours vs built-in: B={args.batch}, T={args.steps}, I={args.input}, "
                 f"H={args.hidden}, median of {args.repeats} after {args.warmup} warm-up")
        config = dict(common, steps=args.steps, kinds=kinds, table="layers")
    config.pop("progress")
    config["threads"] = args.threads
    env = b.environment(args.frameworks)
    if args.json:
        print(json.dumps({"config": config, "environment": env, "rows": rows}, indent=2))
        return 0
    print(title)
    print(", ".join(f"{k} {v}" for k, v in env.items() if v is not None))
    print()
    print(b.format_table(rows))
    return 0


# --------------------------------------------------------------------- registration

#: subcommand -> (help, add_arguments(parser), run(args) -> exit status)
from unrolled.grading.command import configure as add_grade_arguments  # noqa: E402
from unrolled.grading.command import run as grade  # noqa: E402

COMMANDS = {
    "bench": ("performance tables: our layers against the built-ins", add_bench_arguments, bench),
    "grade": ("autograde an exercise notebook, hidden tests included", add_grade_arguments, grade),
}


def build_parser():
    parser = argparse.ArgumentParser(
        prog="unrolled", description="Unrolled: an open course on recurrent neural networks.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_, add_arguments, _) in COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        add_arguments(p)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return COMMANDS[args.command][2](args) or 0


if __name__ == "__main__":
    sys.exit(main())
