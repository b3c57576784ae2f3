"""`hydra.test_utils.test_utils`, served by hydria: Hydra's test helpers, re-exported."""

from hydria.testing.hydra_test_utils import SweepTaskFunction as SweepTaskFunction
from hydria.testing.hydra_test_utils import TaskTestFunction as TaskTestFunction
from hydria.testing.hydra_test_utils import TSweepRunner as TSweepRunner
from hydria.testing.hydra_test_utils import TTaskRunner as TTaskRunner
from hydria.testing.hydra_test_utils import (
    assert_multiline_regex_search as assert_multiline_regex_search,
)
from hydria.testing.hydra_test_utils import assert_regex_match as assert_regex_match
from hydria.testing.hydra_test_utils import assert_text_same as assert_text_same
from hydria.testing.hydra_test_utils import chdir_hydra_root as chdir_hydra_root
from hydria.testing.hydra_test_utils import chdir_plugin_root as chdir_plugin_root
from hydria.testing.hydra_test_utils import does_not_raise as does_not_raise
from hydria.testing.hydra_test_utils import find_parent_dir_containing as find_parent_dir_containing
from hydria.testing.hydra_test_utils import integration_test as integration_test
from hydria.testing.hydra_test_utils import normalize_newlines as normalize_newlines
from hydria.testing.hydra_test_utils import run_process as run_process
from hydria.testing.hydra_test_utils import run_python_script as run_python_script
from hydria.testing.hydra_test_utils import run_with_error as run_with_error
from hydria.testing.hydra_test_utils import verify_dir_outputs as verify_dir_outputs

__all__ = [
    "SweepTaskFunction",
    "TSweepRunner",
    "TTaskRunner",
    "TaskTestFunction",
    "assert_multiline_regex_search",
    "assert_regex_match",
    "assert_text_same",
    "chdir_hydra_root",
    "chdir_plugin_root",
    "does_not_raise",
    "find_parent_dir_containing",
    "integration_test",
    "normalize_newlines",
    "run_process",
    "run_python_script",
    "run_with_error",
    "verify_dir_outputs",
]
