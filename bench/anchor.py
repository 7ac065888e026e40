"""The baseline A of bench/load.py: a bare Flask app answering a ~300-byte JSON under waitress
with 8 threads (the same ceiling ../shared/bench-anchors measures).

    python bench/anchor.py PORT
"""
from __future__ import annotations

import sys

from flask import Flask
from waitress import serve

SMALL = {
    "code": "300938", "name": "Photosmart E317 Digital Camera", "url": "/p/300938",
    "price": {"currencyIso": "USD", "value": 114.12, "formattedValue": "$114.12"},
    "stock": {"stockLevelStatus": "inStock", "stockLevel": 25},
    "summary": "A compact camera with a 2.4 inch screen and 5 megapixels, padded to ~300 bytes.",
    "purchasable": True, "numberOfReviews": 3, "averageRating": 4.2,
}

app = Flask("anchor")


@app.get("/small")
def small():
    return SMALL


if __name__ == "__main__":
    serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8, ident="anchor")
