"""A patient's episodes and their visits are read by statements built once, each patient bound in its turn: one
chart after another counts each patient's own visits in each of their own episodes."""

import re
from datetime import timedelta

from tests.outcomes.conftest import EPISODE_START


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_charts_one_after_another_count_each_patients_own_visits(
    client, login, make_patient, make_episode, treat
):
    practitioner = login("practitioner")
    seen_often, seen_once = make_patient(), make_patient()
    closed = make_episode(
        seen_often, closed_at=EPISODE_START + timedelta(days=30), closed_reason="discharged"
    )
    later = make_episode(seen_often, complaint_area="neck", started_at=EPISODE_START + timedelta(days=60))
    other = make_episode(seen_once)
    for day in (1, 8, 15, 61, 70):
        treat(
            seen_often, practitioner, EPISODE_START + timedelta(days=day), {"lower_back_c": 5, "neck_back": 4}
        )
    treat(seen_once, practitioner, EPISODE_START + timedelta(days=2), {"lower_back_c": 6})
    for _ in range(2):  # the same statements serve both patients, in either order
        assert "2 visits since 2025-05-02" in _text(client.get(f"/patients/{seen_often.id}"))
        assert "1 visit since 2025-03-03" in _text(client.get(f"/patients/{seen_once.id}"))
    assert "3 visits since 2025-03-03" in _text(client.get(f"/patients/{seen_often.id}/episodes/{closed.id}"))
    assert "2 visits since 2025-05-02" in _text(client.get(f"/patients/{seen_often.id}/episodes/{later.id}"))
    assert "1 visit since 2025-03-03" in _text(client.get(f"/patients/{seen_once.id}/episodes/{other.id}"))
