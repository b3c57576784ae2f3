"""What a Tab offers for a word (`complete_line`), on the app under data/app."""

from __future__ import annotations

from pathlib import Path

import pytest

from hydria.completion.command import complete_line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # flags, from the one flag table
        pytest.param("python train.py --mu", ["--multirun"], id="long-flag"),
        pytest.param(
            "python train.py --c",
            ["--cfg=", "--config-dir=", "--config-name=", "--config-path="],
            id="long-flags-taking-a-value-end-with-equals",
        ),
        pytest.param("python train.py -m", ["-m"], id="short-flag"),
        pytest.param("python train.py --info", ["--info"], id="optional-value-flag"),
        pytest.param("python train.py --cfg=j", ["--cfg=job"], id="flag-choice-attached"),
        pytest.param("python train.py -c ", ["all", "hydra", "job"], id="flag-choice-next-word"),
        # config groups and their options
        pytest.param(
            "python train.py db=", ["db=mysql", "db=postgresql", "db=sqlite"], id="options"
        ),
        pytest.param("python train.py db=p", ["db=postgresql"], id="options-prefix"),
        pytest.param(
            "python train.py d", ["data_file=", "db.", "db=", "debug="], id="group-and-keys"
        ),
        pytest.param("python train.py ser", ["server/"], id="nested-group-dir"),
        pytest.param("python train.py server/", ["server/db="], id="nested-group"),
        pytest.param("python train.py server/db=", ["server/db=primary"], id="nested-options"),
        pytest.param(
            "python train.py model/optimizer=",
            ["model/optimizer=adam", "model/optimizer=sgd"],
            id="nested-group-in-defaults",
        ),
        pytest.param(
            "python train.py hydra/sweeper=o", ["hydra/sweeper=optuna"], id="builtin-hydra-group"
        ),
        pytest.param(
            "python train.py hydra/la", ["hydra/launcher="], id="builtin-hydra-group-name"
        ),
        pytest.param("python train.py db@backup=m", ["db@backup=mysql"], id="group-with-package"),
        # keys of the composed config, current choices applied
        pytest.param("python train.py db.", ["db.host=", "db.port="], id="keys"),
        pytest.param(
            "python train.py db=postgresql db.",
            ["db.host=", "db.port=", "db.schema="],
            id="keys-after-choice",
        ),
        pytest.param(
            "python train.py model.optimizer.",
            ["model.optimizer.betas.", "model.optimizer.lr="],
            id="nested-keys",
        ),
        pytest.param(
            "python train.py model/optimizer=sgd model.optimizer.",
            ["model.optimizer.lr=", "model.optimizer.momentum="],
            id="nested-keys-after-nested-choice",
        ),
        pytest.param(
            "python train.py model.optimizer.betas.",
            ["model.optimizer.betas.0=", "model.optimizer.betas.1="],
            id="list-items",
        ),
        pytest.param("python train.py hydra.job.ch", ["hydra.job.chdir="], id="hydra-keys"),
        pytest.param(
            "python train.py hydra/sweeper=optuna hydra.sweeper.n_t",
            ["hydra.sweeper.n_trials="],
            id="hydra-keys-after-hydra-choice",
        ),
        pytest.param("python train.py db.port=", ["db.port=3306"], id="current-value"),
        pytest.param("python train.py debug=", ["debug=false", "debug=true"], id="bool-values"),
        pytest.param(
            "python train.py db.port=abc db.",
            ["db.host=", "db.port="],
            id="failing-override-ignored",
        ),
        pytest.param("python train.py nosuch.", [], id="unknown-key"),
        # prefixes
        pytest.param("python train.py +db", ["+db.", "+db="], id="plus"),
        pytest.param("python train.py +db=s", ["+db=sqlite"], id="plus-options"),
        pytest.param("python train.py ++db.p", ["++db.port="], id="plus-plus"),
        pytest.param("python train.py ~db.p", ["~db.port"], id="delete-key"),
        pytest.param("python train.py ~d", ["~data_file", "~db", "~db.", "~debug"], id="delete"),
        # the primary configs
        pytest.param(
            "python train.py --config-name=",
            ["--config-name=config", "--config-name=experiment"],
            id="config-name-attached",
        ),
        pytest.param("python train.py -cn ", ["config", "experiment"], id="config-name-next-word"),
        pytest.param(
            "python train.py -cp other_conf -cn ", ["alt"], id="config-name-under-config-path"
        ),
        pytest.param(
            "python train.py -cd other_conf -cn ",
            ["alt", "config", "experiment"],
            id="config-dir-searched",
        ),
        # sweeps
        pytest.param(
            "python train.py -m db=mysql,", ["db=mysql,postgresql", "db=mysql,sqlite"], id="sweep"
        ),
        pytest.param("python train.py -m db=mysql,s", ["db=mysql,sqlite"], id="sweep-partial"),
        pytest.param(
            "python train.py --multirun debug=true,", ["debug=true,false"], id="sweep-values"
        ),
        pytest.param("python train.py db=mysql,", [], id="no-sweep-without-multirun"),
        pytest.param(
            "python train.py -m seed=1,2 db.", ["db.host=", "db.port="], id="sweep-on-line"
        ),
        # file paths
        pytest.param(
            "python train.py -cd ", ["conf/", "data/", "other_conf/"], id="config-dir-paths"
        ),
        pytest.param(
            "python train.py --config-path=co", ["--config-path=conf/"], id="config-path-paths"
        ),
        pytest.param("python train.py --experimental-rerun da", ["data/"], id="rerun-paths"),
        pytest.param("python train.py seed=./da", ["seed=./data/"], id="typed-path"),
        pytest.param(
            "python train.py data_file=data/", ["data_file=data/train.csv"], id="path-valued-key"
        ),
        # the line
        pytest.param("./train.py db=s", ["db=sqlite"], id="script-run-directly"),
        pytest.param("python -u ./train.py db=s", ["db=sqlite"], id="interpreter-options"),
        pytest.param('python train.py "db=s', ["db=sqlite"], id="open-quote"),
        pytest.param(
            "python train.py db=sqlite ",
            [
                "data_file=",
                "db.",
                "db=",
                "debug=",
                "hydra.",
                "hydra/",
                "model.",
                "model/",
                "model=",
                "seed=",
                "server/",
            ],
            id="new-word",
        ),
    ],
)
def test_candidates(app_dir: Path, line: str, expected: list[str]) -> None:
    assert complete_line("train.py", line, str(app_dir)) == expected
