"""`revalign score …`: the predictive score (evaluate, train, explain-model)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.table import Table

from revalign.cli import paths
from revalign.cli.app import app
from revalign.cli.common import JsonOption, console, print_json
from revalign.errors import InputError

if TYPE_CHECKING:
    from revalign.predictive.models import ModelKind

score_app = typer.Typer(help="Predictive score: P(conversion) learned from history.")
app.add_typer(score_app, name="score")

DatasetOption = Annotated[
    str, typer.Option("--dataset", help="Labelled dataset adapter (xeducation).")
]
PathArgument = Annotated[
    Path,
    typer.Argument(help="The dataset folder (or its CSV file).", callback=paths.readable_path),
]
ModelOption = Annotated[
    str, typer.Option("--model", help="auto (best validation AUC), logistic or gbm.")
]


@score_app.command("evaluate")
def evaluate_cmd(
    path: PathArgument, dataset: DatasetOption = "xeducation", json: JsonOption = False
) -> None:
    """Held-out AUC of the predictive score against a plain logistic baseline."""
    from revalign.predictive import evaluate, load_labelled

    data = load_labelled(dataset, path)
    result = evaluate(data.frame, data.target, exclude=data.exclude).to_dict()
    if json:
        print_json(result)
        return
    table = Table("model", "validation AUC", "test AUC", "Brier", title=f"{dataset} (70/30)")
    for kind, figures in result["candidates"].items():
        chosen = " (chosen)" if kind == result["model"] else ""
        table.add_row(
            kind + chosen,
            f"{figures['validation_auc']:.4f}",
            f"{figures['auc']:.4f}",
            f"{figures['brier']:.4f}",
        )
    table.add_row(
        "baseline", "", f"{result['baseline_auc']:.4f}", f"{result['baseline_brier']:.4f}"
    )
    console.print(table)


@score_app.command("train")
def train_cmd(
    path: PathArgument,
    out: Annotated[Path, typer.Option("--out", help="Where to write the model (joblib).")],
    dataset: DatasetOption = "xeducation",
    model: ModelOption = "auto",
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing model file.")
    ] = False,
) -> None:
    """Fit the predictive score on every labelled row and save it."""
    paths.check_writable_file(out, f"--out {out}", force=force)  # before seconds of training
    kind = _kind(model)
    from revalign.predictive import load_labelled, train

    data = load_labelled(dataset, path)
    trained = train(data.frame, data.target, exclude=data.exclude, model=kind)
    trained.save(out)
    console.print(f"saved {trained.kind} model to {out}")


@score_app.command("explain-model")
def explain_model_cmd(
    path: PathArgument,
    dataset: DatasetOption = "xeducation",
    model: ModelOption = "auto",
    top: Annotated[int, typer.Option("--top", min=1, help="How many factors.")] = 10,
    json: JsonOption = False,
) -> None:
    """Global top factors of the predictive score (permutation importance)."""
    from revalign.predictive import explain_model, load_labelled

    data = load_labelled(dataset, path)
    result = explain_model(data.frame, data.target, exclude=data.exclude, model=_kind(model), k=top)
    if json:
        print_json(result)
        return
    table = Table("feature", "AUC drop", title=f"{result['model']}: {result['method']}")
    for factor in result["factors"]:
        table.add_row(factor["feature"], f"{factor['importance']:.4f}")
    console.print(table)


def _kind(model: str) -> ModelKind | Literal["auto"]:
    if model == "auto":
        return "auto"
    if model == "logistic":
        return "logistic"
    if model == "gbm":
        return "gbm"
    raise InputError(f"--model must be auto, logistic or gbm, not {model!r}")
