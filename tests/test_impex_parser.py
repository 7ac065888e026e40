"""Unit tests for the ImpEx parser (fakesapcc.impex.parser).

One test per edge case of impex.md §9 and per parser rule, plus facts from the real sample
files in shared/impex-samples.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from fakesapcc.impex.parser import parse, parse_file
from fakesapcc.impex.values import (
    parse_bool,
    parse_date,
    parse_number,
    split_collection,
    split_path,
)
from fakesapcc.impex.syntax import ParsedImpex, Pattern

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "impex-samples"


# --------------------------------------------------------------------------- helpers


def only_block(result: ParsedImpex):
    assert len(result.blocks) == 1, result.diagnostics
    return result.blocks[0]


def rows(result: ParsedImpex, block: int = 0) -> list[tuple[str, ...]]:
    return [row.cells for row in result.blocks[block].rows]


def messages(result: ParsedImpex, level: str | None = None) -> list[str]:
    return [d.message for d in result.diagnostics if level is None or d.level == level]


def no_errors(result: ParsedImpex) -> ParsedImpex:
    assert not result.errors, [str(d) for d in result.errors]
    return result


def sample(name: str) -> ParsedImpex:
    text = (SAMPLES / name).read_bytes().decode("utf-8")
    return parse(text, file=name)


def block_of(result: ParsedImpex, type_code: str, nth: int = 0):
    blocks = [b for b in result.blocks if b.header.type_code.lower() == type_code.lower()]
    return blocks[nth]


# --------------------------------------------------------------------------- §9.1 quoted cells


def test_semicolon_and_newline_inside_quotes():
    r = no_errors(parse('INSERT Foo;a;b\n;"x;y\nz";after\n;next;row\n'))
    assert rows(r) == [("x;y\nz", "after"), ("next", "row")]
    assert [row.line for row in r.blocks[0].rows] == [2, 4]


def test_doubled_quote_is_one_quote():
    r = no_errors(parse('INSERT Foo;a\n;"say ""hi"""\n'))
    assert rows(r) == [('say "hi"',)]


def test_cell_that_is_exactly_two_quotes_is_empty():
    r = no_errors(parse('INSERT Foo;a;b\n;"";x\n'))
    assert rows(r) == [("", "x")]


def test_quoted_cell_kept_verbatim_and_quotes_removed():
    r = no_errors(parse('INSERT Foo;a;b\n; "  padded  " ; "IN_STORE"   ;\n'))
    assert rows(r) == [("  padded  ", "IN_STORE")]


# --------------------------------------------------------------------------- §9.2 '#'


def test_hash_inside_cell_and_after_first_column_is_data():
    r = no_errors(parse("INSERT Foo;a;b\n;#12;x#y\n"))
    assert rows(r) == [("#12", "x#y")]


def test_hash_at_line_start_is_comment_even_if_it_looks_like_data():
    r = no_errors(parse("INSERT Foo;a\n#;;;;;;\n  # indented comment\n;v\n"))
    assert rows(r) == [("v",)]
    assert not r.diagnostics


def test_hash_percent_is_a_script_line():
    r = parse("INSERT Foo;a\n#% impex.enableCodeExecution(true);\n;v\n")
    assert rows(r) == [("v",)]
    assert any("script line skipped" in m for m in messages(r, "warning"))


def test_hash_inside_modifier_value_is_data():
    r = no_errors(parse("INSERT Foo;a[collection-delimiter = #]\n;1#2\n"))
    column = r.blocks[0].header.columns[0]
    assert column.modifiers["collection-delimiter"] == "#"
    assert split_collection(r.blocks[0].rows[0].cells[0], "#") == [("", "1"), ("", "2")]


# ------------------------------------------------------------ §9.3 empty / <ignore> / default


def test_empty_ignore_and_default_on_update():
    r = no_errors(parse(
        "UPDATE Employee;uid[unique=true];name;groups[ignorenull = false, default = ];"
        "description[default='n/a']\n"
        ";a;<ignore>;;\n"
        ";b;<null>;g1;text\n"))
    columns = r.blocks[0].header.columns
    assert columns[2].default == "" and columns[2].modifiers["ignorenull"] == "false"
    assert columns[3].default == "n/a"
    assert rows(r) == [("a", "<ignore>", "", ""), ("b", "<null>", "g1", "text")]


# ------------------------------------------------------------ §9.4 trailing/fewer/more cells


def test_trailing_semicolons_on_header_and_rows():
    r = no_errors(parse("INSERT_UPDATE User;UID[unique=true];name;\n;u1;Name 1;\n"))
    assert [c.qualifier for c in r.blocks[0].header.columns] == ["UID", "name"]
    assert rows(r) == [("u1", "Name 1")]


def test_fewer_cells_than_columns_are_padded():
    r = no_errors(parse("INSERT Foo;a;b;c\n;1\n"))
    assert rows(r) == [("1", "", "")]


def test_more_cells_than_columns_are_ignored():
    r = no_errors(parse("INSERT Foo;a;b\n;1;2;3;4;\n"))
    assert rows(r) == [("1", "2")]


def test_empty_header_column_skips_its_cell():
    r = no_errors(parse("INSERT Language;code;;active\n;de;deutsch;true\n"))
    columns = r.blocks[0].header.columns
    assert [c.kind for c in columns] == ["attribute", "empty", "attribute"]
    assert columns[1].pattern is None
    assert rows(r) == [("de", "", "true")]


# --------------------------------------------------------------------------- §9.5 file level


def test_bom_is_stripped_with_a_warning():
    r = parse("\ufeffINSERT_UPDATE Foo;code[unique=true]\n;x\n")
    assert r.blocks[0].header.type_code == "Foo"
    assert rows(r) == [("x",)]
    assert not r.errors
    assert [(d.level, d.line) for d in r.diagnostics] == [("warning", 1)]
    assert "BOM" in r.diagnostics[0].message


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_line_ends_leave_no_carriage_return(newline):
    text = newline.join(["INSERT Foo;a;b", ';x;"multi', 'line"', ";y;last"])
    r = no_errors(parse(text))
    assert rows(r) == [("x", "multi\nline"), ("y", "last")]
    assert [row.line for row in r.blocks[0].rows] == [2, 4]


def test_no_final_newline_ending_on_quote():
    r = no_errors(parse('INSERT Foo;a\n;"last"'))
    assert rows(r) == [("last",)]


def test_blank_lines_do_not_end_a_block():
    r = no_errors(parse("INSERT Foo;a\n;1\n\n   \n\t\n;2\n"))
    assert rows(r) == [("1",), ("2",)]


# --------------------------------------------------------------------------- §9.6/7 case


def test_header_is_case_insensitive():
    a = only_block(no_errors(parse("INSERT_UPDATE employee;UID[unique=true]\n"))).header
    b = only_block(no_errors(parse("insert_update Employee;uid[unique = true]\n"))).header
    assert a.mode == b.mode == "INSERT_UPDATE"
    assert a.type_code.lower() == b.type_code.lower()
    assert a.columns[0].qualifier.lower() == b.columns[0].qualifier.lower() == "uid"
    assert a.columns[0].unique and b.columns[0].unique


def test_attribute_case_is_kept_as_written():
    r = no_errors(parse("INSERT Customer;customerId;customerID\n;a;b\n"))
    q1, q2 = (c.qualifier for c in r.blocks[0].header.columns)
    assert (q1, q2) == ("customerId", "customerID")
    assert q1.lower() == q2.lower()


@pytest.mark.parametrize("mode", ["INSERT", "update", "Insert_Update", "REMOVE"])
def test_four_modes_in_any_case(mode):
    r = no_errors(parse(f"{mode} Foo;code[unique=true]\n;x\n"))
    assert r.blocks[0].header.mode == mode.upper()
    assert rows(r) == [("x",)]


# --------------------------------------------------------------------------- §9.8/9 macros


def test_longest_macro_name_wins():
    r = no_errors(parse("$catalog=cat\n$catalogVersion=cv\n"
                        "INSERT Foo;a;b\n;$catalogVersion;$catalog\n"))
    assert rows(r) == [("cv", "cat")]


def test_undefined_dollar_text_stays_literal():
    r = no_errors(parse("$x=1\nINSERT Foo;a;b\n;Get $25 off;above $200 $x\n"))
    assert rows(r) == [("Get $25 off", "above $200 1")]
    assert not r.diagnostics


def test_macro_used_inside_quoted_script_line():
    r = no_errors(parse('$loc=GERMAN\nINSERT Foo;a\n"#% impex.setLocale(Locale.$loc);"\n;1,5\n'))
    assert r.blocks[0].rows[0].locale == "de"


def test_macro_value_with_semicolon_pipe_dollar_anchor_and_quote():
    text = ("$re=(?i)^https?://[^/]+(|\\&.*)$\n"
            "$cols=name;description\n"
            "$q=it's|a$b\n"
            "INSERT Foo;code;$cols\n"
            ";$re;$q;x\n")
    r = no_errors(parse(text))
    header = r.blocks[0].header
    assert [c.qualifier for c in header.columns] == ["code", "name", "description"]
    assert rows(r) == [("(?i)^https?://[^/]+(|\\&.*)$", "it's|a$b", "x")]


def test_macro_spaces_around_equals_and_built_from_macros():
    r = no_errors(parse("$a = A1\n$b=$a,B1\n$c   =   [$b]  \nINSERT Foo;x\n;$c\n"))
    assert rows(r) == [("[A1,B1]",)]


def test_macro_redefinition_applies_to_later_lines():
    r = no_errors(parse("$v=one\nINSERT Foo;a\n;$v\n$v=two\n;$v\n"))
    assert rows(r) == [("one",), ("two",)]


def test_macro_expands_in_header_with_pattern_modifiers():
    text = ("$catalog=myCatalog\n"
            "$cv=catalogVersion(catalog(id[default=$catalog]),version[default='Staged'])"
            "[unique=true,default=$catalog:Staged]\n"
            "INSERT_UPDATE Product;code[unique=true];$cv\n;p1;\n")
    column = only_block(no_errors(parse(text))).header.columns[1]
    assert column.qualifier == "catalogVersion"
    assert column.default == "myCatalog:Staged" and column.unique
    catalog, version = column.pattern.alternatives[0]
    assert catalog.alternatives[0][0].modifiers == {"default": "myCatalog"}
    assert version.modifiers == {"default": "Staged"}


def test_config_macro_from_mapping_and_missing_one_warns():
    text = "INSERT Foo;a;b\n;$config-site.url;$config-missing.key\n"
    r = parse(text, config={"site.url": "https://x"})
    assert rows(r) == [("https://x", "$config-missing.key")]
    assert not r.errors
    assert [d.line for d in r.warnings] == [2]
    assert "missing.key" in r.warnings[0].message


def test_config_macro_in_macro_definition():
    r = no_errors(parse("$u=$config-a.b/x\nINSERT Foo;a\n;$u\n", config={"a.b": "v"}))
    assert rows(r) == [("v/x",)]


def test_macro_definition_with_backslash_continuation():
    r = no_errors(parse("$cols=code;\\\nname\nINSERT Foo;$cols\n;c;n\n"))
    assert [c.qualifier for c in r.blocks[0].header.columns] == ["code", "name"]
    assert rows(r) == [("c", "n")]


# --------------------------------------------------------------------------- §9.10 virtual


def test_virtual_column_consumes_no_cell():
    r = no_errors(parse(
        "INSERT MyProduct;a[virtual=true,default=myValue1];b[unique=true];c\n;v2;v3\n"))
    columns = r.blocks[0].header.columns
    assert columns[0].virtual and columns[0].default == "myValue1"
    assert rows(r) == [("", "v2", "v3")]


def test_quoted_and_plain_rows_map_cells_alike():
    header = "INSERT Foo;a[virtual=true,default=d];b;;c;e[virtual=true];f\n"
    values = [["1", "2", "3", "4"], ["x"], ["p", "q", "r", "s", "t", "u"]]
    plain = "".join(";" + ";".join(v) + "\n" for v in values)
    quoted = "".join(";" + ";".join(f'"{x}"' for x in v) + "\n" for v in values)
    expected = [("", "1", "", "3", "", "4"), ("", "x", "", "", "", ""),
                ("", "p", "", "r", "", "s")]
    assert rows(no_errors(parse(header + plain))) == expected
    assert rows(no_errors(parse(header + quoted))) == expected


# --------------------------------------------------------------------------- §9.11 composite refs


def test_composite_reference_flattens_nested_leaves():
    r = no_errors(parse(
        "INSERT Foo;product(code,catalogVersion(catalog(id),version))\n"
        ";300938:electronicsProductCatalog:Online\n"))
    pattern = r.blocks[0].header.columns[0].pattern
    assert pattern.leaf_count() == 3
    assert split_path(r.blocks[0].rows[0].cells[0]) == ["300938", "electronicsProductCatalog",
                                                         "Online"]


def test_path_delimiter_modifier_for_values_containing_colon():
    r = no_errors(parse("INSERT Foo;ref(code,id)[path-delimiter=!]\n;a:b!c\n"))
    column = r.blocks[0].header.columns[0]
    assert column.modifiers["path-delimiter"] == "!"
    assert split_path(r.blocks[0].rows[0].cells[0], "!") == ["a:b", "c"]


# --------------------------------------------------------------------------- §9.12 collections


def test_collection_with_spaces_empty_elements_and_prefixes():
    assert split_collection("a, b ,, c,") == [("", "a"), ("", "b"), ("", "c")]
    assert split_collection("(+)a, (-) b,(+?)c ,d") == [("+", "a"), ("-", "b"), ("+?", "c"),
                                                         ("", "d")]
    assert split_collection("1#2##3", "#") == [("", "1"), ("", "2"), ("", "3")]
    assert split_collection("") == []


def test_mode_append_modifier_is_parsed():
    r = no_errors(parse("INSERT_UPDATE Employee;uid[unique=true];groups(uid)[mode = append]\n"
                        ";e1;g1, g2\n"))
    column = r.blocks[0].header.columns[1]
    assert column.modifiers == {"mode": "append"}
    assert split_collection(r.blocks[0].rows[0].cells[1]) == [("", "g1"), ("", "g2")]


# --------------------------------------------------------------------------- §9.13 document ids


def test_document_id_referenced_before_definition():
    r = no_errors(parse(
        "INSERT_UPDATE PointOfService;name[unique=true];address(&addrID)\n;pos1;addr1\n"
        "INSERT_UPDATE Address;&addrID;town;owner(PointOfService.name)[unique=true]\n"
        ";addr1;Walldorf;pos1\n"))
    ref = r.blocks[0].header.columns[1].pattern.alternatives[0][0]
    assert ref.qualifier == "&addrID"
    docid = r.blocks[1].header.columns[0]
    assert docid.kind == "docid" and docid.qualifier == "addrID"
    owner = r.blocks[1].header.columns[2].pattern.alternatives[0][0]
    assert (owner.type_code, owner.qualifier) == ("PointOfService", "name")
    assert rows(r, 1) == [("addr1", "Walldorf", "pos1")]


# --------------------------------------------------------------------------- §9.14 subtype


def test_subtype_in_first_cell():
    r = no_errors(parse("INSERT User;uid[unique=true]\nCustomer;c1\n;u1\n Employee ; e1\n"))
    assert [(row.subtype, row.cells) for row in r.blocks[0].rows] == [
        ("Customer", ("c1",)), (None, ("u1",)), ("Employee", ("e1",))]


def test_first_cell_that_is_not_a_type_code_warns():
    r = parse("INSERT User;uid\nnot a type;c1\n")
    assert r.blocks[0].rows[0].subtype == "not a type"
    assert not r.errors and "not a type code" in r.warnings[0].message


# --------------------------------------------------------------------------- §9.15 beforeEach


def test_multiline_before_each_between_header_and_rows():
    text = ('INSERT_UPDATE Employee;uid[unique=true];groups(uid)\n'
            '"#%beforeEach:\n'
            'Logger LOG = LoggerFactory.getLogger(""ImpExImportReader"");\n'
            '  if(x) { line.clear(); }\n'
            '"\n'
            ';agent1;g1\n'
            ';agent2;g2\n')
    r = no_errors(parse(text))
    assert rows(r) == [("agent1", "g1"), ("agent2", "g2")]
    assert [row.line for row in r.blocks[0].rows] == [6, 7]
    assert [(d.line, "beforeEach" in d.message) for d in r.warnings] == [(2, True)]


def test_after_each_script_is_ignored_with_warning():
    r = parse('$m=promo\nINSERT Foo;a\n"#% afterEach: register(new String[]{$m});"\n;x\n')
    assert rows(r) == [("x",)]
    assert [d.line for d in r.warnings] == [3] and "afterEach" in r.warnings[0].message


# --------------------------------------------------------------------------- §9.16 uids


def test_uid_with_pipe_at_and_dot_is_one_value():
    r = no_errors(parse("INSERT User;uid[unique=true]\n;telly.becker@rustic-hw.com|powertools\n"))
    assert rows(r) == [("telly.becker@rustic-hw.com|powertools",)]


# --------------------------------------------------------------------------- §9.17 numbers/dates


def test_german_locale_after_set_locale():
    r = no_errors(parse("INSERT Foo;rate\n;1,38\n#% impex.setLocale( Locale.GERMAN );\n;1,38\n"))
    first, second = r.blocks[0].rows
    assert (first.locale, second.locale) == ("en", "de")
    assert parse_number(first.cells[0], first.locale) is None
    assert parse_number(second.cells[0], second.locale) == pytest.approx(1.38)


def test_dateformat_with_quoted_literals():
    r = no_errors(parse(
        "UPDATE myProduct;code[unique=true];d[dateformat='yyyy-MM-dd''T''HH:mm:ss.SSSZ']\n"
        ';p;"2009-04-03T04:14:00.235-0700"\n'))
    column = r.blocks[0].header.columns[1]
    assert column.modifiers["dateformat"] == "yyyy-MM-dd'T'HH:mm:ss.SSSZ"
    value = parse_date(r.blocks[0].rows[0].cells[1], column.modifiers["dateformat"])
    assert value == datetime(2009, 4, 3, 4, 14, 0, 235000,
                             tzinfo=timezone(timedelta(hours=-7)))


# --------------------------------------------------------------------------- §9.18 user rights


def test_userrights_block_is_skipped_as_a_unit():
    text = ("INSERT Foo;a\n;before\n"
            "$START_USERRIGHTS;;;;;;\n"
            "Type;UID;MemberOfGroups;Password;Target;read;change;create;remove;change_perm\n"
            "UserGroup;demoagentgroup;employeegroup;;;;;;;\n"
            ";;;;Customer;+;+;-;-;-\n"
            ';;;;"Cart;+\n'
            "$END_USERRIGHTS;;;\n"
            ";after\n")
    r = no_errors(parse(text))
    assert rows(r) == [("before",), ("after",)]
    assert [d.line for d in r.warnings] == [3]
    assert "user rights" in r.warnings[0].message


def test_userrights_block_without_end_is_an_error():
    r = parse("$START_USERRIGHTS\nType;UID\n")
    assert [d.line for d in r.errors] == [1]


# --------------------------------------------------------------------------- §9.19 non-ASCII


def test_non_ascii_round_trips_and_unquoted_padding_is_trimmed():
    r = no_errors(parse("INSERT Foo;a;b;c\n;SAP Estonia OÜ ;Københavnø;ul. Wołoska\n"))
    assert rows(r) == [("SAP Estonia OÜ", "Københavnø", "ul. Wołoska")]


# --------------------------------------------------------------------------- script lines


@pytest.mark.parametrize("script, locale", [
    ("#% impex.setLocale(Locale.ENGLISH);", "en"),
    ("#% impex.setLocale( Locale.GERMAN );", "de"),
    ("#%groovy% impex.setLocale(Locale.FRENCH)", "fr"),
    ("#% impex.setLocale(Locale.SWAHILI);", "swahili"),
    ('"#% impex.setLocale( new Locale( ""de"" , """" ) );"', "de"),
])
def test_set_locale_applies_to_following_rows(script, locale):
    r = no_errors(parse(f"INSERT Foo;a\n;x\n{script}\n;y\n"))
    assert [row.locale for row in r.blocks[0].rows] == ["en", locale]
    assert not r.warnings


def test_if_section_is_included_with_warning():
    r = parse("INSERT Foo;a\n#% if: Config.getBoolean(\"x\", false)\n;in\n#% endif:\n;after\n")
    assert rows(r) == [("in",), ("after",)]
    assert [d.line for d in r.warnings] == [2]


def test_trivially_false_if_section_is_skipped():
    r = parse('$db=hsql\nINSERT Foo;a\n#% if: "$db".equals("oracle")\n;skipped\n$x=1\n'
              '#% endif:\n;kept;$x\n#% if: "$db".equals("hsql")\n;included\n#% endif:\n')
    assert rows(r) == [("kept",), ("included",)]
    assert [d.line for d in r.warnings] == [3]


def test_other_script_lines_are_skipped_with_warning():
    r = parse('INSERT Foo;a\n"#% impex.includeExternalDataMedia( ""x.csv"" , ""UTF-8"" );";\n;v\n')
    assert rows(r) == [("v",)]
    assert [d.line for d in r.warnings] == [2]
    assert not r.errors


# --------------------------------------------------------------------------- logical lines


def test_header_backslash_continuation():
    r = no_errors(parse("INSERT_UPDATE Employee;uid[unique=true];\\\n    name;groups(uid)\n"
                        ";agent.a;Agent A;asagentgroup\n"))
    header = r.blocks[0].header
    assert [c.qualifier for c in header.columns] == ["uid", "name", "groups"]
    assert rows(r) == [("agent.a", "Agent A", "asagentgroup")]
    assert r.blocks[0].rows[0].line == 3


def test_value_line_backslash_is_kept_with_warning():
    r = parse("INSERT Foo;a;b\n;x;y\\\n;z\n")
    assert not r.errors
    assert rows(r) == [("x", "y\\"), ("z", "")]
    assert [d.line for d in r.warnings] == [2]


def test_quote_in_middle_of_cell_is_literal_with_warning():
    r = parse('INSERT Foo;a;b\n;5" disk;x\n')
    assert rows(r) == [('5" disk', "x")]
    assert not r.errors and [d.line for d in r.warnings] == [2]


def test_unterminated_quote_at_eof_is_an_error():
    r = parse('INSERT Foo;a\n;ok\n;"open\nmore\n')
    assert rows(r) == [("ok",)]
    assert [(d.level, d.line) for d in r.errors] == [("error", 3)]
    assert "unterminated" in r.errors[0].message


# --------------------------------------------------------------------------- headers and columns


def test_line_modifiers_several_blocks():
    r = parse("INSERT Address[batchmode=true][cacheUnique=true][impex.legacy.mode=true];"
              "firstname\n")
    header = r.blocks[0].header
    assert header.type_code == "Address"
    assert header.modifiers == {"batchmode": "true", "cacheunique": "true",
                                "impex.legacy.mode": "true"}
    assert header.batchmode
    assert not r.diagnostics


def test_reference_with_type_qualified_alternatives():
    r = no_errors(parse("INSERT Address;owner(Principal.uid|AbstractOrder.code)\n;admin\n"))
    pattern = r.blocks[0].header.columns[0].pattern
    assert pattern == Pattern("owner", None, {}, (
        (Pattern("uid", "Principal"),), (Pattern("code", "AbstractOrder"),)))
    assert pattern.is_reference and pattern.leaf_count(1) == 1


def test_spaces_inside_patterns_and_modifiers_after_parenthesis():
    r = no_errors(parse(
        "INSERT_UPDATE Customer;uid[unique = true];"
        "defaultShipmentAddress( owner(Customer.uid) , streetname, postalcode )[allownull=true]"
        "[mode=append]\n"))
    column = r.blocks[0].header.columns[1]
    assert column.modifiers == {"allownull": "true", "mode": "append"}
    leaves = column.pattern.alternatives[0]
    assert [p.qualifier for p in leaves] == ["owner", "streetname", "postalcode"]
    assert leaves[0].alternatives[0][0] == Pattern("uid", "Customer")
    assert column.pattern.leaf_count() == 3


def test_quoted_modifier_values_with_bracket_comma_and_doubled_quote():
    r = no_errors(parse(
        "INSERT Foo;a[default='x,y]z',dateformat='dd''T''',lang=en];b[default=];"
        "c[numberformat=#.###,##]\n"))
    a, b, c = r.blocks[0].header.columns
    assert a.modifiers == {"default": "x,y]z", "dateformat": "dd'T'", "lang": "en"}
    assert a.lang == "en"
    assert b.default == ""
    assert c.modifiers == {"numberformat": "#.###,##"}


def test_special_classification_and_docid_columns():
    r = parse("INSERT_UPDATE Media;code[unique=true];"
              "@media[translator=de.hybris.MediaDataTranslator];C@weight[system='S',version='1.0'];"
              "&mediaId\n;m1;file://x;5;id1\n")
    kinds = [(c.kind, c.qualifier) for c in r.blocks[0].header.columns]
    assert kinds == [("attribute", "code"), ("special", "media"),
                     ("classification", "weight"), ("docid", "mediaId")]
    assert r.blocks[0].header.columns[2].modifiers == {"system": "S", "version": "1.0"}
    assert rows(r) == [("m1", "file://x", "5", "id1")]
    assert not r.diagnostics


def test_unknown_modifier_is_kept_with_warning_and_column_text():
    r = parse("INSERT Foo;a[frobnicate=yes]\n")
    assert r.blocks[0].header.columns[0].modifiers == {"frobnicate": "yes"}
    assert [(d.level, d.column) for d in r.diagnostics] == [("warning", "a[frobnicate=yes]")]


def test_pos_modifier_is_an_error():
    r = parse("INSERT Foo;a[pos=2];b\n")
    assert [(d.level, d.line, d.column) for d in r.errors] == [("error", 1, "a[pos=2]")]


@pytest.mark.parametrize("mode", ["INSERT_UPDATE", "UPDATE", "REMOVE"])
def test_a_missing_unique_column_is_left_to_the_loader(mode):
    # whether a header without [unique=true] is acceptable depends on the type: the loader judges
    r = parse(f"{mode} Foo;a;b\n;1;2\n")
    assert r.errors == []
    assert rows(r) == [("1", "2")]


def test_insert_needs_no_unique_column():
    assert not parse("INSERT Foo;a\n;1\n").diagnostics


def test_unknown_header_mode_is_an_error_and_its_rows_are_skipped():
    r = parse("INSERTX Foo;code\n;a\n;b\nINSERT Bar;code\n;c\n")
    assert [(d.level, d.line) for d in r.errors] == [("error", 1)]
    assert "INSERTX" in r.errors[0].message
    assert [b.header.type_code for b in r.blocks] == ["Bar"]
    assert rows(r) == [("c",)]


def test_mode_without_type_code_is_an_error():
    r = parse("INSERT_UPDATE;code[unique=true]\n;a\n")
    assert [(d.level, d.line) for d in r.errors] == [("error", 1)]
    assert r.blocks == []


def test_invalid_type_code_skips_the_block_with_warnings():
    r = parse("INSERT_UPDATE Product Foo;code[unique=true]\n;a\n;b\n")
    assert r.errors == []
    assert [d.line for d in r.warnings] == [1, 2]
    assert "invalid type code" in r.warnings[0].message
    assert r.blocks == []


def test_invalid_column_is_ignored_with_a_warning_naming_it():
    r = parse("INSERT Foo;a(b;c\n;1;2\n")
    assert r.errors == []
    assert [(d.level, d.column) for d in r.warnings] == [("warning", "a(b")]
    assert [(c.kind, c.qualifier) for c in r.blocks[0].header.columns] == [("empty", None), ("attribute", "c")]
    assert rows(r) == [("", "2")]  # the ignored column still takes its cell


def test_header_without_rows_is_a_block():
    r = no_errors(parse("INSERT_UPDATE UserGroup;uid[unique=true];groups(uid);\n\n"
                        "INSERT Foo;a\n;x\n"))
    assert [len(b.rows) for b in r.blocks] == [0, 1]


# --------------------------------------------------------------------------- value lines


def test_value_line_before_any_header_is_an_error():
    r = parse("# comment\n;a;b\nINSERT Foo;a\n;ok\n")
    assert [(d.level, d.line, d.file) for d in r.errors] == [("error", 2, "<string>")]
    assert rows(r) == [("ok",)]


def test_diagnostics_carry_the_file_name():
    r = parse(";x\n", file="data/x.impex")
    assert str(r.errors[0]).startswith("data/x.impex:1: error:")


def test_aligned_rows_are_trimmed():
    r = no_errors(parse("INSERT_UPDATE Foo; uid[unique = true] ; active\n"
                        "                ; asm_client          ;true   \n"))
    assert rows(r) == [("asm_client", "true")]


def test_rows_keep_their_header():
    r = no_errors(parse("INSERT A;x\n;1\nINSERT B;y;z\n;2;3\n"))
    assert [(b.header.type_code, [row.header.type_code for row in b.rows]) for b in r.blocks] == [
        ("A", ["A"]), ("B", ["B"])]


# --------------------------------------------------------------------------- robustness


def test_wrong_argument_types_raise_type_error():
    with pytest.raises(TypeError):
        parse(b"INSERT Foo;a")  # type: ignore[arg-type]


def test_garbage_never_raises():
    rng = random.Random(7)
    alphabet = ['"', ";", "\n", "\r", "\\", "$", "#", "%", "[", "]", "(", ")", "'", ",", "|",
                "&", "@", "=", " ", "a", "INSERT ", "UPDATE ", "$x=", "#%", "C@", "x", "1"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        result = parse(text)
        assert isinstance(result, ParsedImpex)
        assert not any("internal parser error" in d.message for d in result.diagnostics), text


def test_parse_file_reports_invalid_utf8(tmp_path):
    path = tmp_path / "bad.impex"
    path.write_bytes(b"INSERT Foo;a\n;\xff\n")
    result = parse_file(path)
    assert [(d.level, d.line) for d in result.diagnostics] == [("error", 2)]
    good = tmp_path / "good.impex"
    good.write_bytes("INSERT Foo;a\r\n;Düsseldorf\r\n".encode())
    assert rows(parse_file(good)) == [("Düsseldorf",)]


# --------------------------------------------------------------------------- value helpers


def test_split_path_keeps_positions_and_trims():
    assert split_path("a : b::c") == ["a", "b", "", "c"]
    assert split_path("single") == ["single"]


@pytest.mark.parametrize("text, expected", [
    ("true", True), ("TRUE", True), ("False", False), (" false ", False), ("ja", True),
    ("nein", False), ("wahr", True), ("falsch", False), ("y", True), ("N", False),
    ("+", True), ("-", False), ("yes", None), ("", None), ("1", None),
])
def test_parse_bool(text, expected):
    assert parse_bool(text) is expected


@pytest.mark.parametrize("text, locale, expected", [
    ("42", "en", 42), ("-7", "en", -7), ("1,299.99", "en", 1299.99), ("1,299", "en", 1299),
    ("51.449216", "en", 51.449216), (".5", "en", 0.5), ("1e3", "en", 1000.0),
    ("1.299,99", "de", 1299.99), ("1,38", "de", 1.38), ("1.299", "de", 1299),
    ("1,38", "de_DE", 1.38), ("1,38", "en", None), ("1.38", "de", None), ("abc", "en", None),
    ("", "en", None), ("1.2.3", "en", None), ("nan", "en", None),
])
def test_parse_number(text, locale, expected):
    value = parse_number(text, locale)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text, pattern, expected", [
    ("29.05.2025", "dd.MM.yyyy", datetime(2025, 5, 29)),
    ("17-01-1972", "dd-MM-yyyy", datetime(1972, 1, 17)),
    ("09:00", "hh:mm", datetime(1970, 1, 1, 9, 0)),
    ("20:00", "hh:mm", datetime(1970, 1, 1, 20, 0)),
    ("12:30", "hh:mm", datetime(1970, 1, 1, 0, 30)),
    ("12:30 PM", "hh:mm a", datetime(1970, 1, 1, 12, 30)),
    ("01:15 pm", "h:mm a", datetime(1970, 1, 1, 13, 15)),
    ("3.1.2014 7:05", "d.M.yyyy H:mm", datetime(2014, 1, 3, 7, 5)),
    ("01.02.2014 23:59:58", "dd.MM.yyyy HH:mm:ss", datetime(2014, 2, 1, 23, 59, 58)),
    ("20240529", "yyyyMMdd", datetime(2024, 5, 29)),
    ("17.01.72", "dd.MM.yy", datetime(1972, 1, 17)),
    ("Wed, 29 May 2024", "EEE, dd MMM yyyy", datetime(2024, 5, 29)),
    ("2024-05-29T10:00:00Z", "yyyy-MM-dd'T'HH:mm:ssX",
     datetime(2024, 5, 29, 10, tzinfo=timezone.utc)),
    ("2024-05-29 10:00 +02:00", "yyyy-MM-dd HH:mm XXX",
     datetime(2024, 5, 29, 10, tzinfo=timezone(timedelta(hours=2)))),
    ("2024-05-29 10:00 CET", "yyyy-MM-dd HH:mm z",
     datetime(2024, 5, 29, 10, tzinfo=timezone(timedelta(hours=1)))),
    ("o'clock 5", "''h''''clock h", None),
    ("5 o'clock", "h 'o''clock'", datetime(1970, 1, 1, 5)),
    ("31.02.2024", "dd.MM.yyyy", None),
    ("2024-05-29", "dd.MM.yyyy", None),
    ("2024", "GGGG", None),
])
def test_parse_date_with_java_pattern(text, pattern, expected):
    assert parse_date(text, pattern) == expected


@pytest.mark.parametrize("text, expected", [
    ("2024-05-29", datetime(2024, 5, 29)),
    ("2024-05-29T10:11:12", datetime(2024, 5, 29, 10, 11, 12)),
    ("2024-05-29T10:11:12Z", datetime(2024, 5, 29, 10, 11, 12, tzinfo=timezone.utc)),
    ("29.05.2025 10:11:12", datetime(2025, 5, 29, 10, 11, 12)),
    ("29.05.2025", datetime(2025, 5, 29)),
    ("someday", None),
    ("", None),
])
def test_parse_date_without_pattern(text, expected):
    assert parse_date(text, None) == expected


# --------------------------------------------------------------------------- the real samples


SAMPLE_NAMES = sorted(p.name for p in SAMPLES.glob("*.impex"))


def test_all_eight_samples_are_present():
    assert len(SAMPLE_NAMES) == 8


def check_telco_users(r: ParsedImpex) -> None:
    relation = block_of(r, "PrincipalGroupRelation")
    assert len(relation.rows) == 19
    assert relation.rows[0].cells == ("chicagostoreemployees", "asagentgroup")
    assert relation.rows[-1].cells == ("rachel.green.customer@hybris.com", "POS_SANFRANCISCO")
    assert all(c.unique for c in relation.header.columns)
    employee = block_of(r, "Employee").header
    assert employee.columns[1].default == "123456"  # $defaultPassword = 123456
    assert employee.columns[3].default == "" and employee.columns[3].qualifier == "groups"
    customer = block_of(r, "Customer")
    assert customer.header.columns[3].pattern.leaf_count() == 4
    assert split_path(customer.rows[0].cells[3]) == [
        "mark.johnson.customer@hybris.com", "115th Street & King Drive", "60628", "FALSE"]
    lists = [b for b in r.blocks if b.header.type_code == "CustomerList"]
    assert [b.header.mode for b in lists] == ["UPDATE", "INSERT_UPDATE"]
    assert lists[0].header.columns[1].lang == "en"  # locname[lang = $lang]
    assert lists[0].rows[0].cells == ("instoreCustomers", "Current In-Store Customers")
    assert lists[1].rows[0].cells[1] == "IN_STORE"
    assert lists[1].header.columns[3].modifiers == {"mode": "append"}


def check_telco_groups(r: ParsedImpex) -> None:
    groups = block_of(r, "UserGroup")
    assert [row.cells[0] for row in groups.rows] == [
        "asagentgroup", "asagentsalesgroup", "asagentsalesmanagergroup"]
    assert "'ASM CS Support Agent'" in groups.rows[2].cells[3]
    agents = block_of(r, "CsAgentGroup")
    assert split_collection(agents.rows[1].cells[1]) == [
        ("", "customersupportagentrole"), ("", "asagentsalesgroup"), ("", "csagentgroup")]
    assert agents.rows[1].cells[3].endswith("Assisted Service Module.")  # no final newline


def check_store(r: ParsedImpex) -> None:
    store = block_of(r, "BaseStore")
    qualifiers = [c.qualifier for c in store.header.columns]
    cells = dict(zip(qualifiers, store.rows[0].cells))
    assert cells["uid"] == "electronics-spa-standalone"
    countries = [e for _, e in split_collection(cells["deliveryCountries"])]
    assert countries[:5] == ["GB", "GG", "IM", "JE", "AD"]
    assert countries[-2:] == ["US", "CA"] and "MO" in countries
    assert cells["catalogs"] == "electronicsProductCatalog,ElectronicsClassification"
    update = block_of(r, "BaseStore", 1)
    assert update.header.mode == "UPDATE" and update.header.columns[1].lang == "en"
    assert update.rows[0].cells[1] == "Spartacus Electronics Store Standalone"


def check_site(r: ParsedImpex) -> None:
    site = block_of(r, "CMSSite")
    qualifiers = [c.qualifier for c in site.header.columns]
    cells = dict(zip(qualifiers, site.rows[0].cells))
    assert cells["uid"] == "electronics-spa"
    assert cells["urlPatterns"].startswith(
        r"(?i)^https?://[^/]+(/[^?]*)?\?(.*\&)?(site=electronics-spa)(|\&.*)$,")
    assert cells["previewURL"] == "https://localhost:4200/electronics-spa/en/USD"
    start = site.header.columns[qualifiers.index("startingPage")].pattern
    catalog_version = start.alternatives[0][1]
    assert catalog_version.qualifier == "catalogVersion"
    inner = catalog_version.alternatives[0]
    assert [(p.type_code, p.qualifier) for p in inner] == [("CatalogVersion", "catalog"),
                                                          ("CatalogVersion", "version")]
    assert inner[0].alternatives[0][0].modifiers == {"default": "electronics-spaContentCatalog"}
    smartedit = block_of(r, "SmartEditConfiguration")
    assert smartedit.rows[0].cells == ("whiteListedStorefronts", '["https://localhost:4200"]')


def check_oauth(r: ParsedImpex) -> None:
    clients = only_block(r)
    assert [c.qualifier for c in clients.header.columns][-1] == "loginPageUri"
    assert [row.cells[0] for row in clients.rows] == [
        "mobile_android_public", "asm_client", "mobile_android_public_b2b"]
    assert clients.rows[1].cells[-1] == "" and clients.rows[2].cells[-2] == ""


def check_powertools(r: ParsedImpex) -> None:
    assert r.blocks[0].header.type_code == "UserGroup" and r.blocks[0].rows == []
    lists = block_of(r, "CustomerList")
    assert [row.cells[:3] for row in lists.rows] == [
        ("instoreCustomers", "IN_STORE", "3"), ("bopisCustomers", "BOPIS", "2")]
    assert len(r.warnings) == 7 and all("beforeEach" in d.message for d in r.warnings)
    all_cells = [c for b in r.blocks for row in b.rows for c in row.cells]
    assert not any("\r" in c for c in all_cells)
    b2b = block_of(r, "B2BCustomer")
    assert b2b.rows[0].cells[1] == "telly.becker@rustic-hw.com|powertools-spa-standalone"
    relation = block_of(r, "PrincipalGroupRelation")
    assert relation.rows[-1].cells == ("carla.levi@rustic-hw.com|powertools-spa-standalone",
                                       "POS_ICHIKAWA")


def check_points_of_service(r: ParsedImpex) -> None:
    address = block_of(r, "Address")
    docid = address.header.columns[0]
    assert (docid.kind, docid.qualifier) == ("docid", "addrID")
    pos = block_of(r, "PointOfService")
    qualifiers = [c.qualifier for c in pos.header.columns]
    ref = pos.header.columns[qualifiers.index("address")].pattern.alternatives[0][0]
    assert ref.qualifier == "&addrID"
    assert r.blocks.index(pos) < r.blocks.index(address)  # forward reference
    names = {row.cells[0]: row.cells[1] for row in pos.rows}
    assert names["sap-de-dusseldorf-office"] == "SAP Düsseldorf Office"
    assert names["sap-estonia-ou-office"] == "SAP Estonia OÜ"
    image = pos.header.columns[qualifiers.index("storeImage")].pattern
    assert [p.qualifier for p in image.alternatives[0]] == ["qualifier", "catalogversion"]
    assert image.alternatives[0][1].modifiers == {"unique": "true",
                                                  "default": "electronicsProductCatalog:Staged"}
    weekday = block_of(r, "WeekdayOpeningDay")
    assert len(weekday.rows) == 13  # a blank line sits inside the block
    assert weekday.rows[0].cells == ("sap-office-standard-hours", "MONDAY", "09:00", "20:00")
    assert parse_date(weekday.rows[0].cells[3], "hh:mm") == datetime(1970, 1, 1, 20, 0)
    special = block_of(r, "SpecialOpeningDay")
    assert special.rows[0].cells[:3] == ("sap-office-standard-hours", "01.01.2014", "true")
    all_cells = [c for b in r.blocks for row in b.rows for c in row.cells]
    assert not any("\r" in c for c in all_cells)
    assert address.rows[-1].cells[-1] == "sap-poland-labs-polska-gliwice-office"


#: Lines of hyeclipse-syntax-sample-1.impex that are errors, and why.
HYECLIPSE_WARNINGS = {
    152: "invalid column",  # a column written as '...'
    161: "invalid type code",  # 'INSERT_UPDATE INSERT UPDATE REMOVE'
}


def check_hyeclipse(r: ParsedImpex) -> None:
    # an editor's torture file: it degrades to warnings, none of it is fatal
    assert r.errors == []
    for line, text in HYECLIPSE_WARNINGS.items():
        assert any(d.line == line and text in d.message for d in r.warnings)
    assert not any("internal" in d.message for d in r.diagnostics)
    first = r.blocks[0]
    assert first.rows[0].subtype == "Category"
    assert first.rows[0].cells == ("CL2000", "", "clothescatalog:Staged")
    assert first.header.columns[2].default == "clothescatalog:Staged"
    users = block_of(r, "User", 6)
    assert [(row.subtype, row.cells) for row in users.rows] == [
        ("Customer", ("SampleCustomer",)), ("Employee", ("SampleEmployee",))]
    german = [row for b in r.blocks for row in b.rows if row.cells == ("1.299,99",)]
    assert german[0].locale == "de"
    assert parse_number(german[0].cells[0], german[0].locale) == pytest.approx(1299.99)
    dated = [b for b in r.blocks if b.header.columns[0].modifiers.get("dateformat", "")
             .startswith("yyyy-MM-dd'T'")][0]
    assert dated.rows[0].cells == ("2009-04-03T04:14:00.235-0700",)
    address = [b for b in r.blocks if b.header.modifiers.get("batchmode") == "true"][0]
    assert address.header.columns[1].pattern.leaf_count(1) == 1
    assert len(address.header.columns[1].pattern.alternatives) == 2


SAMPLE_CHECKS = {
    "telco-assistedservice-users.impex": check_telco_users,
    "telco-customersupport-assistedservice-groups.impex": check_telco_groups,
    "spa-electronics-store.impex": check_store,
    "spa-electronics-site.impex": check_site,
    "spa-oauth-clients.impex": check_oauth,
    "spa-powertools-user-groups.impex": check_powertools,
    "spa-electronics-points-of-service.impex": check_points_of_service,
    "hyeclipse-syntax-sample-1.impex": check_hyeclipse,
}


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_files(name):
    result = sample(name)
    if name != "hyeclipse-syntax-sample-1.impex":
        no_errors(result)
    assert all(d.file == name and d.line >= 1 for d in result.diagnostics)
    SAMPLE_CHECKS[name](result)


@pytest.mark.parametrize("text, line", [
    ("FOOBAR Customer;uid[unique=true]\n;x\n", 1),
    ("INSERT_UPDATE Title;code[unique=true]\n;capt\nFOOBAR Customer;uid[unique=true]\n;x\n", 3),
    ("INSERT_UPDATE Title;code[unique=true]\n;capt\nMERGE Title;code[unique=true]\n;x\n", 3),
])
def test_an_unknown_header_mode_is_an_error(text, line):
    result = parse(text, file="t.impex")
    errors = [d for d in result.diagnostics if d.level == "error"]
    assert [(d.line, d.message.split(" (")[0]) for d in errors] == [
        (line, f"unknown header mode '{text.splitlines()[line - 1].split()[0]}'")]


@pytest.mark.parametrize("line, cells", [
    (";a;b c;d", ("a", "b c", "d")),  # nothing to trim: split as is
    ("; a ;b\t;\u00a0d\u00a0", ("a", "b", "d")),  # blanks, a tab, no-break spaces trimmed
    (";a;b;d ", ("a", "b", "d")),
    (";a\u3000;b;d;extra", ("a", "b", "d")),  # an ideographic space; a cell past the columns
])
def test_unquoted_cells_are_trimmed_of_every_kind_of_whitespace(line, cells):
    result = parse(f"INSERT Title;code;name;description\n{line}\n", file="t.impex")
    assert result.blocks[0].rows[0].cells == cells

