# ruff: noqa: RUF001 - full-width digits and punctuation are what these tests feed in
"""find_figures, carries_figures and the readings of figures, on expected results."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.text.figures import (
    Amount,
    DateParts,
    Figure,
    carries_figures,
    find_figures,
    quantities,
    read_amounts,
    read_dates,
)


def found(text: str) -> list[tuple[str, str]]:
    return [(figure.kind, figure.text) for figure in find_figures(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Revenue hit $1.2bn, up 45% on 2024, as 82 million users joined.",
            [("money", "$1.2bn"), ("percent", "45%"), ("date", "2024"), ("number", "82 million")],
        ),
        ("It cost €3.2 billion, £5m and US$5.",
         [("money", "€3.2 billion"), ("money", "£5m"), ("money", "US$5")]),
        ("Fares of 1,000 yen, 500 dollars, USD 7 and 9 EUR.",
         [("money", "1,000 yen"), ("money", "500 dollars"), ("money", "USD 7"),
          ("money", "9 EUR")]),
        ("They raised three million dollars and a billion people watched.",
         [("money", "three million dollars"), ("number", "a billion")]),
        ("Growth was 3.5 per cent, then 2.5 percent and 12 %.",
         [("percent", "3.5 per cent"), ("percent", "2.5 percent"), ("percent", "12 %")]),
        ("Rates rose 0.25 percentage points.", [("number", "0.25")]),
        ("Talks on January 2025, 12 March 2024, March 12, 2024 and 2024-03-12.",
         [("date", "January 2025"), ("date", "12 March 2024"), ("date", "March 12, 2024"),
          ("date", "2024-03-12")]),
        ("On March 12 they met; in May 2025 they may 12 times more.",
         [("date", "March 12"), ("date", "May 2025"), ("number", "12")]),
        ("Vote on 5/11/2024 or 11.05.2024.", [("date", "5/11/2024"), ("date", "11.05.2024")]),
        ("Counts of 1,000, 1.000, 1 000 and 12 000 000 and 3.5 and 1,5.",
         [("number", "1,000"), ("number", "1.000"), ("number", "1 000"), ("number", "12 000 000"),
          ("number", "3.5"), ("number", "1,5")]),
        ("Le 3 mars, 12 % de plus, soit 2,5 millions.",
         [("date", "3 mars"), ("percent", "12 %"), ("number", "2,5 millions")]),
        ("Am 12. März 2024 stieg sie um 12 Prozent auf 1,2 Mrd. Euro.",
         [("date", "12. März 2024"), ("percent", "12 Prozent"), ("money", "1,2 Mrd. Euro")]),
        ("El 20 de marzo de 2024 hubo 3 mil millones.",
         [("date", "20 de marzo de 2024"), ("number", "3 mil millones")]),
        ("投票率は５８．４％だった。", [("percent", "５８．４％")]),
        ("3月12日に売上高は３，２００億円、8200万人が参加。",
         [("date", "3月12日"), ("money", "３，２００億円"), ("number", "8200万")]),
        ("2025年1月20日、約３９兆円と1億2000万ドル。",
         [("date", "2025年1月20日"), ("money", "３９兆円"), ("money", "1億2000万ドル")]),
        ("政府は２０日、９９９ドルで３日間。",
         [("date", "２０日"), ("money", "９９９ドル"), ("number", "３")]),
        ("第１に、財源の確保。", []),
        ("COVID-19 hit G7 states; 5G and 4K; the 21st century; the 1990s.", []),
        ("One person and one more came.", []),
        ("See https://example.org/2024/05/12/story-123 or mail a1@b2.org at 10:30.", []),
        ("1. First point\n2) Second point\n 3. Third", []),
        ("A 5km run and a 100mm gap.", [("number", "5km"), ("number", "100mm")]),
        ("Boeing 737 jets; Q3 2024; iPhone 16.",
         [("number", "737"), ("date", "2024"), ("number", "16")]),
        ("12. März 2024 war es so.", [("date", "12. März 2024")]),
        ("From 10-15% to -5%.", [("number", "10"), ("percent", "15%"), ("percent", "5%")]),
    ],
)  # fmt: skip
def test_find_figures(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_offsets_point_into_the_text() -> None:
    text = "Up 45% to ５８．４％ on 3月12日."
    figures = find_figures(text)
    assert figures == [
        Figure("percent", "45%", 3, 6),
        Figure("percent", "５８．４％", 10, 15),
        Figure("date", "3月12日", 19, 24),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Unemployment fell to 4.1%.", True),
        ("The fund holds $3m.", True),
        ("He spoke on Tuesday, 12 March.", True),
        ("Some 120 people came.", True),
        ("3 people came.", False),
        ("One of them left.", False),
        ("No figures here at all.", False),
        ("1. A list item", False),
        ("第１に、財源の確保。", False),
    ],
)
def test_carries_figures(text: str, expected: bool) -> None:
    assert carries_figures(text) is expected


def amounts(text: str) -> set[tuple[Decimal, Decimal]]:
    (figure,) = find_figures(text)
    return {(amount.value, amount.step) for amount in read_amounts(figure)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("82 million", {(Decimal(82_000_000), Decimal(1_000_000))}),
        ("8200万", {(Decimal(82_000_000), Decimal(1_000_000))}),
        ("8234万", {(Decimal(82_340_000), Decimal(10_000))}),
        ("$1.2bn", {(Decimal(1_200_000_000), Decimal(100_000_000))}),
        ("1億2000万ドル", {(Decimal(120_000_000), Decimal(10_000_000))}),
        ("３．２９％", {(Decimal("3.29"), Decimal("0.01"))}),
        ("3.5 per cent", {(Decimal("3.5"), Decimal("0.1"))}),
        ("1,234,567.5", {(Decimal("1234567.5"), Decimal("0.1"))}),
        ("1.234.567,5", {(Decimal("1234567.5"), Decimal("0.1"))}),
        ("1 000 000", {(Decimal(1_000_000), Decimal(1_000_000))}),
        ("1 000 001", {(Decimal(1_000_001), Decimal(1))}),
        ("1,5%", {(Decimal("1.5"), Decimal("0.1"))}),
        ("1.000", {(Decimal(1000), Decimal(1000)), (Decimal(1), Decimal("0.001"))}),
        ("three million dollars", {(Decimal(3_000_000), Decimal(1_000_000))}),
        ("2,5 millions", {(Decimal(2_500_000), Decimal(100_000))}),
    ],
)
def test_read_amounts(text: str, expected: set[tuple[Decimal, Decimal]]) -> None:
    assert amounts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("January 2025", {DateParts(2025, 1, None)}),
        ("2025年1月", {DateParts(2025, 1, None)}),
        ("３月１２日", {DateParts(None, 3, 12)}),
        ("２０日", {DateParts(None, None, 20)}),
        ("March 12, 2024", {DateParts(2024, 3, 12)}),
        ("12. März 2024", {DateParts(2024, 3, 12)}),
        ("Jan. 5", {DateParts(None, 1, 5)}),
        ("2024-03-12", {DateParts(2024, 3, 12)}),
        ("5/11/2024", {DateParts(2024, 11, 5), DateParts(2024, 5, 11)}),
        ("25/12/2024", {DateParts(2024, 12, 25)}),
        ("2024", {DateParts(2024, None, None)}),
    ],
)
def test_read_dates(text: str, expected: set[DateParts]) -> None:
    (figure,) = find_figures(text)
    assert figure.kind == "date"
    assert set(read_dates(figure)) == expected


def test_amount_of_a_date_is_not_asked_but_harmless() -> None:
    (figure,) = find_figures("2024")
    assert read_amounts(figure) == (Amount(Decimal(2024), Decimal(1)),)


@given(st.text(alphabet="0123456789０１２,.，．% $€万億年月日 abcmMk-:/\n", max_size=120))
def test_figures_are_ordered_disjoint_and_as_written(text: str) -> None:
    end = 0
    for figure in find_figures(text):
        assert figure.start >= end
        assert text[figure.start : figure.end] == figure.text
        end = figure.end
        if figure.kind == "date":
            read_dates(figure)
        else:
            read_amounts(figure)


@pytest.mark.parametrize(
    "text",
    ["9" * 100_000, "1." * 50_000, "1," * 50_000, "1 " * 50_000, "1億" * 30_000, "a" * 100_000,
     "a@" * 50_000, "12 " * 30_000 + "March", "$" * 100_000, "１２３，" * 25_000],
    ids=lambda text: repr(text[:6]),
)  # fmt: skip
@pytest.mark.timeout(10)  # the slowest took 0.5 s on a busy 2-core machine
def test_pathological_input_completes(text: str) -> None:
    find_figures(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Decree 1090 was not in consultation.", []),
        ("El DL 1090 no lo ha sido.", []),
        ("Article 19 of the constitution, law No. 27 and Flight 370.", []),
        ("About 1,200 people marched on 5 June 2009.", ["1,200", "5 June 2009"]),
        ("Flight 370 carried 239 people.", ["239"]),
        ("Taxes rose by 5% to $3 million.", ["5%", "$3 million"]),
        ("3 people came.", []),
    ],
)
def test_quantities_are_counts_amounts_shares_and_dates_not_identifiers(
    text: str, expected: list[str]
) -> None:
    assert [f.text for f in quantities(text)] == expected
