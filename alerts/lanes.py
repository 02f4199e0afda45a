"""Lanes: which people hear of an item at once, and how the SLT digest shows it.

One pure decision per (item, school), from the item's labels and severity and the school's
lanes (config.schema.default_lanes, overridden per label by `schools[].lanes`):

- `alert_to`: addresses emailed at once — the union over the item's labels of the lane's roles
  (a lane with `alert_min_severity` only when the item is at least that severe);
- `digest`: the most private treatment any of its labels asks for wins — `none` (not in the
  digest at all) over `count` (only "N items went to the DSL") over `full`;
- `queue`: the item goes into the comms queue.

An item with no label is a plain mention: the digest only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from config.schema import Lane, School, default_lanes
from pipelines.post import SEVERITIES

_PRIVACY = {"full": 0, "count": 1, "none": 2}


@dataclass(frozen=True)
class Route:
    alert_to: list[str]  # addresses, in config order
    alert_labels: list[str]  # the labels that made it an alert
    digest: str  # full, count, none
    queue: bool


def lanes_for(school: School) -> dict[str, Lane]:
    lanes = default_lanes()
    lanes.update({str(label): lane for label, lane in school.lanes.items()})
    return lanes


def _severe_enough(severity: str | None, minimum: str | None) -> bool:
    if minimum is None:
        return True
    if severity not in SEVERITIES:
        return False
    return SEVERITIES.index(severity) <= SEVERITIES.index(minimum)  # type: ignore[arg-type]


def route(school: School, labels: Sequence[str], severity: str | None) -> Route:
    lanes = lanes_for(school)
    roles: list[str] = []
    alert_labels: list[str] = []
    digest = "full"
    queue = False
    for label in labels:
        lane = lanes.get(label)
        if lane is None:  # a label this version does not know: shown in full, alerts nobody
            continue
        if lane.alert and _severe_enough(severity, lane.alert_min_severity):
            alert_labels.append(label)
            roles.extend(r for r in lane.alert if r not in roles)
        if _PRIVACY[lane.digest] > _PRIVACY[digest]:
            digest = lane.digest
        queue = queue or lane.queue
    to: list[str] = []
    for recipient in school.recipients:
        if any(role in recipient.roles for role in roles) and recipient.email not in to:
            to.append(recipient.email)
    return Route(alert_to=to, alert_labels=alert_labels, digest=digest, queue=queue)


def count_phrase(label: str, school: School) -> str:
    """Who a `count`/`none` label went to, for the digest: 'the DSL', 'the head'."""
    lane = lanes_for(school).get(label)
    names = {
        "dsl": "the DSL",
        "head": "the head",
        "comms": "the comms lead",
        "slt": "SLT",
        "admin": "the admin",
    }
    if lane is None or not lane.alert:
        return "nobody by email"
    return " and ".join(names.get(r, r) for r in lane.alert)
