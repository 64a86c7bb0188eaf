"""One definition of a volume's first mismatching link: the ledger's own verify and the topic
verifier report the contracts' type (no twin type to keep in step)."""

from __future__ import annotations

from ledger.domain import chain
from vc_contracts.chain import LinkMismatch
from vc_contracts.verify_topic import TopicMismatch


def test_the_ledger_and_the_topic_verifier_share_the_contracts_mismatch_type() -> None:
    assert chain.Mismatch is LinkMismatch and TopicMismatch is LinkMismatch
    gone = chain.Recorded(1, "E-1", "ev-1", "VisitLogged", "0" * 64, None)
    verdict = chain.verify([gone], "0" * 64)
    assert isinstance(verdict.first_mismatch, LinkMismatch)
    assert verdict.first_mismatch.entry_id == "E-1"
