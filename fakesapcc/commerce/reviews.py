"""Customer reviews: only approved reviews are shown and count into a product's rating."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .. import models as m
from ..db import REVIEWS, Db, State


def approved_reviews(state: State, product_code: str) -> list[m.CustomerReview]:
    return sorted((r for r in state.reviews.values()
                   if r.product == product_code and r.approvalStatus == "approved"),
                  key=lambda r: (r.date is None, r.date), reverse=True)


def average_rating(state: State, product_code: str) -> float | None:
    reviews = approved_reviews(state, product_code)
    if not reviews:
        return None
    return round(sum(r.rating for r in reviews) / len(reviews), 2)


def add_review(db: Db, product_code: str, user_uid: str | None, data: Mapping[str, Any],
               now: datetime) -> m.CustomerReview:
    """A review from validated Review data, approved at once (fakesapcc has no moderation)."""
    alias = data.get("alias")
    review = m.CustomerReview(
        pk=db.new_pk(), product=product_code, user=user_uid, rating=float(data["rating"]),
        headline=data["headline"].strip(), comment=data["comment"].strip(),
        alias=alias if isinstance(alias, str) else None, date=now, approvalStatus="approved")
    db.state.reviews[review.pk] = review
    db.changed(REVIEWS)
    return review
