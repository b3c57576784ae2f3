"""A defaults-list entry while the tree is being built: where it sits and what it selects.

Entries learn their position (parent group, parent package) and their file's
`@package` header as the tree grows, and group overrides may change their
option, so this working form is mutable and private to the resolver; what
leaves the package are the frozen `ResultDefault`s.
"""

from __future__ import annotations

from hydria.defaults.model import ConfigDefault, GroupDefault, InputDefault
from hydria.version_base import deprecation_warning

MISSING = "???"


def _strip_global(package: str) -> str:
    """Everything after the last `_global_` (which makes a package absolute)."""
    idx = package.rfind("_global_")
    return package if idx == -1 else package[idx + len("_global_") + 1 :]


class Element:
    """One entry of a defaults list, placed in the tree."""

    __slots__ = (
        "is_group",
        "path",
        "value",
        "package",
        "optional",
        "override",
        "external_append",
        "primary",
        "parent_base_dir",
        "parent_package",
        "package_header",
        "deleted",
        "is_virtual",
        "chosen_by",
    )

    def __init__(
        self,
        *,
        is_group: bool,
        path: str,
        value: str | list[str] | None = None,
        package: str | None = None,
        optional: bool = False,
        override: bool = False,
        external_append: bool = False,
        primary: bool = False,
        is_virtual: bool = False,
    ) -> None:
        self.is_group = is_group
        self.path = path  # the config path, or the group for group entries
        self.value = value
        self.package = "" if package == "_here_" else package
        self.optional = optional
        self.override = override
        self.external_append = external_append
        self.primary = primary
        self.parent_base_dir: str | None = None
        self.parent_package: str | None = None
        self.package_header: str | None = None
        self.deleted = False
        self.is_virtual = is_virtual
        self.chosen_by: str | None = None  # an override that picked this entry's option

    @classmethod
    def from_input(cls, d: InputDefault) -> Element:
        if isinstance(d, ConfigDefault):
            return cls(is_group=False, path=d.path, package=d.package, optional=d.optional)
        assert isinstance(d, GroupDefault)
        return cls(
            is_group=True,
            path=d.group,
            value=list(d.value) if isinstance(d.value, tuple) else d.value,
            package=d.package,
            optional=d.optional,
            override=d.override,
            external_append=d.external_append,
        )

    # ---------------------------------------------------------------- identity
    @property
    def is_self(self) -> bool:
        return (self.value if self.is_group else self.path) == "_self_"

    @property
    def is_options(self) -> bool:
        return self.is_group and isinstance(self.value, list)

    @property
    def name(self) -> str | None:
        if self.is_group:
            assert not isinstance(self.value, list)
            return self.value
        return self.path.rpartition("/")[2]

    @property
    def is_missing(self) -> bool:
        return not self.is_options and self.name == MISSING

    @property
    def is_interpolation(self) -> bool:
        if self.is_options:
            return False
        text = self.name if self.is_group else self.config_path
        return isinstance(text, str) and "${" in text

    # ---------------------------------------------------------------- placement
    def place(self, parent_base_dir: str, parent_package: str | None) -> None:
        """Record where this entry's defaults list sits; `_group_` becomes absolute then."""
        self.parent_base_dir = parent_base_dir
        self.parent_package = parent_package
        if self.package is not None and "_group_" in self.package:
            resolved = self.package.replace("_group_", self.default_package)
            self.package = f"_global_.{resolved}"

    def set_package_header(self, header: str | None, *, legacy_1_1: bool = False) -> None:
        """A file's `@package` header is always absolute. With `legacy_1_1` (version_base
        before 1.2) `_group_` in it is the group's package, as in Hydra 1.1, with its warning."""
        if header is None:
            return
        if legacy_1_1 and "_group_" in header:
            deprecation_warning(
                f"In '{self.config_path}': Usage of deprecated keyword in package header "
                f"'# @package {header}'.\nSee https://hydra.cc/docs/1.2/upgrades/1.0_to_1.1/"
                "changes_to_package_header for more information"
            )
            if header == "_group_":
                return
            header = header.replace("_group_", self.default_package)
        if header == "":
            header = "_global_"
        elif header != "_global_" and not header.startswith("_global_."):
            header = f"_global_.{header}"
        self.package_header = header

    def _relative_group(self) -> str:
        path = self.path[1:] if self.path.startswith("/") else self.path
        if self.is_group:
            return path
        return path.rpartition("/")[0]

    @property
    def group_path(self) -> str:
        base = self.parent_base_dir
        assert base is not None
        absolute = self.path.startswith("/")
        rel = self._relative_group()
        if absolute or base == "":
            return rel
        return f"{base}/{rel}" if rel else base

    @property
    def config_path(self) -> str:
        if self.is_group:
            return f"{self.group_path}/{self.name}"
        base = self.parent_base_dir
        assert base is not None
        if self.path.startswith("/"):
            return self.path[1:]
        return f"{base}/{self.path}" if base else self.path

    @property
    def default_package(self) -> str:
        return self.group_path.replace("/", ".")

    def own_package(self, *, use_header: bool = True) -> str | None:
        if self.package is None and use_header:
            return self.package_header
        return self.package

    def final_package(self, *, use_header: bool = True) -> str:
        """Where this entry's content lands, relative to the root."""
        parent = self.parent_package
        assert parent is not None
        package = self.own_package(use_header=use_header)
        if package is None:
            package = self._relative_group().replace("/", ".")
        if parent == "":
            joined = package
        elif package == "":
            joined = parent
        else:
            joined = f"{parent}.{package}"
        return _strip_global(joined)

    @property
    def override_key(self) -> str:
        """`group`, or `group@package` when it does not land at its default package."""
        key = self.group_path
        final = self.final_package(use_header=False)
        if final != self.default_package:
            key = f"{key}@{final or '_global_'}"
        return key

    def describe(self) -> str:
        return f"{self.override_key}: {self.name}" if self.is_group else self.config_path
