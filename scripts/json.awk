# json.awk - flatten a JSON document into "path<TAB>value" lines, one per scalar, so shell
# scripts can read context.json without a JSON tool: `gawk -f scripts/json.awk context.json`
# prints e.g. "topology.cores	2" and "cpu.brand	AMD EPYC". Array elements are numbered from
# 0 ("run.load_average.0"). Strings are unescaped for \" \\ \/ \n \t; other escapes are kept
# as written. Invalid JSON ends with exit status 2 and one line on stderr. Run it with
# LC_ALL=C, as plot.sh and compare.sh do: the document is read as bytes (in a UTF-8 locale
# gawk adds a warning line for invalid UTF-8, and substr slows down on large files).
BEGIN { RS = "^$"; ORS = "\n" }
function fail(msg) {
    gsub(/[[:cntrl:]]/, "?", msg) # the message quotes the document: keep it one line
    printf "json.awk: %s: %s\n", FILENAME, msg > "/dev/stderr"; bad = 1; exit 2
}
function skip_ws() { while (pos <= len && index(" \t\r\n", substr(text, pos, 1))) pos++ }
function parse_string(    out, c, e) {
    pos++ # opening quote
    out = ""
    while (pos <= len) {
        c = substr(text, pos, 1)
        if (c == "\"") { pos++; return out }
        if (c == "\\") {
            e = substr(text, pos + 1, 1)
            if (e == "n") out = out "\n"; else if (e == "t") out = out "\t"
            else if (e == "\"" || e == "\\" || e == "/") out = out e
            else out = out "\\" e
            pos += 2
            continue
        }
        out = out c
        pos++
    }
    fail("unterminated string")
}
function emit(path, value) { print path "\t" value }
# depth: the nesting so far. gawk's recursion grows in quadratic time (13 s for 100000
# levels), and a context is 3 deep: deeper than 64 is refused.
function parse_value(path, depth,    c, key, i, start) {
    skip_ws()
    c = substr(text, pos, 1)
    if ((c == "{" || c == "[") && depth >= 64) fail("nested deeper than 64 levels")
    if (c == "{") {
        pos++; skip_ws()
        if (substr(text, pos, 1) == "}") { pos++; return }
        for (;;) {
            skip_ws()
            if (substr(text, pos, 1) != "\"") fail("expected a key at offset " pos)
            key = parse_string()
            skip_ws()
            if (substr(text, pos, 1) != ":") fail("expected ':' at offset " pos)
            pos++
            parse_value(path == "" ? key : path "." key, depth + 1)
            skip_ws()
            c = substr(text, pos, 1); pos++
            if (c == "}") return
            if (c != ",") fail("expected ',' or '}' at offset " (pos - 1))
        }
    }
    if (c == "[") {
        pos++; skip_ws()
        if (substr(text, pos, 1) == "]") { pos++; return }
        for (i = 0; ; i++) {
            parse_value(path "." i, depth + 1)
            skip_ws()
            c = substr(text, pos, 1); pos++
            if (c == "]") return
            if (c != ",") fail("expected ',' or ']' at offset " (pos - 1))
        }
    }
    if (c == "\"") { emit(path, parse_string()); return }
    start = pos
    while (pos <= len && index("+-0123456789.eEtruefalsn", substr(text, pos, 1))) pos++
    if (pos == start) fail("unexpected '" c "' at offset " pos)
    emit(path, substr(text, start, pos - start))
}
{
    text = $0; len = length(text); pos = 1
    skip_ws()
    if (pos > len) fail("empty document")
    parse_value("", 0)
    skip_ws()
    if (pos <= len) fail("text after the document at offset " pos)
}
END { if (NR == 0 && !bad) { printf "json.awk: %s: empty document\n", FILENAME > "/dev/stderr"; exit 2 } }
