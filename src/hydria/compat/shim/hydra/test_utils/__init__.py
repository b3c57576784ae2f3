"""`hydra.test_utils`, served by hydria: Hydra's helpers for test suites (`test_utils`).

hydra-core also ships data packages here (`hydra.test_utils.configs`) that Hydra's
and its plugins' test suites load configs from; a `hydra/test_utils` folder holding
them elsewhere on `sys.path` (a Hydra source tree) still serves them.
"""

import os as _os
import sys as _sys

__path__.extend(  # noqa: F821 - the package's own __path__, set by the import system
    _folder
    for _folder in dict.fromkeys(
        _os.path.join(_os.path.abspath(_entry), "hydra", "test_utils")
        for _entry in _sys.path
        if isinstance(_entry, str)
    )
    if _os.path.isdir(_folder) and _os.path.realpath(_folder) != _os.path.realpath(__path__[0])  # noqa: F821
)
