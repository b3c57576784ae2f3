"""hydria's basic sweeper against the sweeper conformance suite, and the suite's double."""

from __future__ import annotations

import pytest

from hydria.overrides import parse_overrides
from hydria.plugin_contracts import Sweeper
from hydria.sweepers import BasicSweeper
from hydria.testing.sweepers import RecordingSession, SweeperSuite


class TestBasicSweeper(SweeperSuite):
    @pytest.fixture
    def sweeper(self) -> Sweeper:
        return BasicSweeper()


class TestBasicSweeperInBatches(SweeperSuite):
    @pytest.fixture
    def sweeper(self) -> Sweeper:
        return BasicSweeper(max_batch_size=2)


def test_batches_reach_the_session_as_given() -> None:
    session = RecordingSession()
    BasicSweeper(max_batch_size=2).sweep(parse_overrides(["a=1,2,3"]), session)
    assert len(session.calls) == 1
    assert [[[o.text for o in job] for job in batch] for batch in session.calls[0]] == [
        [["a=1"], ["a=2"]],
        [["a=3"]],
    ]


class _Lazy(Sweeper):
    """Hands over nothing: the suite must say so, not pass."""

    def sweep(self, overrides: object, session: object) -> None:
        return None


def test_the_suite_catches_a_sweeper_that_runs_nothing() -> None:
    suite = SweeperSuite()
    with pytest.raises(AssertionError):
        suite.test_a_plain_override_is_in_every_job(_Lazy())
    with pytest.raises(AssertionError):
        suite.test_no_override_is_one_job(_Lazy())
