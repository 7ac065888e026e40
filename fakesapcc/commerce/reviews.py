"""Customer reviews: only approved reviews are shown and count into a product's rating."""
from __future__ import annotations

from .. import models as m
from ..db import State


def approved_reviews(state: State, product_code: str) -> list[m.CustomerReview]:
    return sorted((r for r in state.reviews.values()
                   if r.product == product_code and r.approvalStatus == "approved"),
                  key=lambda r: (r.date is None, r.date), reverse=True)


def average_rating(state: State, product_code: str) -> float | None:
    reviews = approved_reviews(state, product_code)
    if not reviews:
        return None
    return round(sum(r.rating for r in reviews) / len(reviews), 2)
