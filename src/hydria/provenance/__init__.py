"""Where every value of a composed config came from (computed on demand)."""

from hydria.provenance.model import Action as Action
from hydria.provenance.model import KeyHistory as KeyHistory
from hydria.provenance.model import Origin as Origin
from hydria.provenance.model import OriginKind as OriginKind
from hydria.provenance.model import Provenance as Provenance
from hydria.provenance.model import Step as Step
from hydria.provenance.trace import trace as trace

__all__ = ["Action", "KeyHistory", "Origin", "OriginKind", "Provenance", "Step", "trace"]
