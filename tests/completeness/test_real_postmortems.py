"""The completeness check over the 26 real published post-mortems: what the rules say about each, recorded.

None of them was written with this template, so ``section-missing`` dominates; the table is the record of what a
team adopting the action would see on day one (see the README's "Completeness check"). The documents are read
through ``tests.material``: the unlicensed ones only from ``../shared``, each skipping without it.
"""

from __future__ import annotations

from collections import Counter

import pytest

from postmortem.completeness import check
from postmortem.config import COMPLETENESS_RULE_IDS, CompletenessConfig
from tests.material import available, material, names

# file -> "rule=count ..." in rule order (only the rules that report something).
EXPECTED: dict[str, str] = {
    "2i2c-org__incident-reports__2020-10-28-memory-overload.md": "section-missing=26 five-whys=1 severity=1",
    "2i2c-org__incident-reports__2025-08-12-leap-outage.md": "section-missing=25 five-whys=1 severity=1",
    "Chia-Network__post-mortem__2022-01-20-EmployeeCompromise.md": "section-missing=28 five-whys=1 severity=1",
    "PostHog__post-mortems__2025-09-29-flags-is-down.md": "section-missing=24 section-order=2 five-whys=1 severity=1",
    "PostHog__post-mortems__2026-01-17-replay-sdk-fetch-wrapper-incident.md": "section-missing=24 five-whys=1 severity=1",
    "comdex-official__incident-reports__incident_report_patch_fix_16_dec.md": "section-missing=28 five-whys=1 severity=1",
    "cosmos__incidents__0409_galaxy.md": "section-missing=26 five-whys=1 severity=1",
    "cosmos__incidents__0414_upgrade.md": "section-missing=21 section-order=5 five-whys=1 severity=1",
    "cosmos__incidents__action_items.md": "section-missing=28 five-whys=1 severity=1 action-item-fields=21",
    "dastergon__postmortem-templates__postmortem-template-michael.kehoe.md": "section-missing=26 root-cause-empty=1 five-whys=1 timeline-empty=1 severity=1",
    "dfds__postmortems__PM2019-009_-_Kubernetes_network_infrastructure_IP_starvation.md": "section-missing=24 section-order=1 five-whys=1 severity=1",
    "dfds__postmortems__PM2022-009_-_Bad_AWS_EKS_AMI_causing_Kubernetes_issues.md": "section-missing=24 five-whys=1 severity=1",
    "ethereum-optimism__optimism__2023-04-26-transaction-delays.md": "section-missing=28 five-whys=1 severity=1",
    "ethereum__pm__sepolia-postmortem.md": "section-missing=27 five-whys=1 severity=1",
    "flutter__flutter__Postmortem-Beta-1-Release.md": "section-missing=26 section-order=1 five-whys=1 severity=1 action-item-fields=14",
    "flutter__flutter__Postmortem-Beta-1-Release.reflowed-42a1ea45.md": "section-missing=26 section-order=1 five-whys=1 severity=1",
    "ilv78__Art-World-Hub__2026-03-13-issue-8-direct-push-to-main.md": "section-missing=19 section-order=1 five-whys=1 action-item-fields=6",
    "jupyterhub__mybinder.org-deploy__2018-03-26-no-space-left.md": "section-missing=23 section-order=1 five-whys=1 severity=1",
    "jupyterhub__mybinder.org-deploy__2020-07-09-simultaneous-launches-scipy.md": "section-missing=24 five-whys=1 severity=1",
    "kubernetes__test-infra__2019-01-23.md": "section-missing=20 section-order=5 five-whys=1 severity=1",
    "learningequality__postmortems__004-sushibar-certificate-expired.md": "section-missing=22 section-order=4 five-whys=1 severity=1",
    "mlafeldt__gist-6e02ea0c__deployer-api-outage-postmortem.md": "section-missing=21 section-order=5 five-whys=1 severity=1 action-item-fields=2",
    "persistenceOne__incident-reports__07-Sept-2022_V3_upgrade_halt.md": "section-missing=24 section-order=3 five-whys=1 severity=1 action-item-fields=7",
    "persistenceOne__incident-reports__20-Sept-2023_v9.1.1_chain_halt.md": "section-missing=26 five-whys=1 severity=1 action-item-fields=4",
    "portswigger-cloud__postmortems__saas-outage.md": "section-missing=26 five-whys=1 severity=1",
    "yuankunzhang__working-guides__postmortem.md": "section-missing=22 section-order=4 five-whys=1 severity=1 action-item-fields=9",
}


def _summary(text: str, name: str) -> str:
    counts = Counter(p.rule for p in check(text, template=None, config=CompletenessConfig(), path=name))
    return " ".join(f"{rule}={counts[rule]}" for rule in COMPLETENESS_RULE_IDS if counts[rule])


def test_all_26_documents_are_recorded() -> None:
    assert sorted(names("postmortems", ".md")) == sorted(EXPECTED)
    assert len(EXPECTED) == 26


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_what_the_rules_say_about_a_real_postmortem(name: str) -> None:
    text = material("postmortems", name).read_text(encoding="utf-8")
    assert _summary(text, name) == EXPECTED[name]
    problems = check(text, template=None, config=CompletenessConfig(), path=name)
    line_count = text.replace("\r\n", "\n").count("\n") + 1
    assert all(1 <= p.line <= line_count and p.col >= 1 and p.message for p in problems)


def test_with_every_rule_ignored_nothing_is_reported() -> None:
    everything = CompletenessConfig(ignore=list(COMPLETENESS_RULE_IDS))
    for path in available("postmortems", ".md"):
        assert check(path.read_text(encoding="utf-8"), template=None, config=everything, path=path.name) == []
