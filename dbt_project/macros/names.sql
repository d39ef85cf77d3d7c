{% macro strip_whitespace(expr) -%}
    {#- Removes every space, ideographic space, no-break space, tab and line break.
        Nested replace() rather than regexp_replace: DuckDB replaces only the first match unless
        given the 'g' flag (which Spark does not take), and Spark reads a backslash in a literal
        as an escape, so '\s' means different things. replace() and chr() behave alike on both.
        The literals below are U+0020, U+3000 and U+00A0. -#}
    {%- set ns = namespace(sql=expr) -%}
    {%- for ch in ["' '", "'　'", "' '", "chr(9)", "chr(10)", "chr(11)", "chr(12)", "chr(13)"] -%}
        {%- set ns.sql = "replace(" ~ ns.sql ~ ", " ~ ch ~ ", '')" -%}
    {%- endfor -%}
    {{ ns.sql }}
{%- endmacro %}


{% macro name_key(expr) -%}
    {#- Matching key for names written by people (department names above all): full-width folded,
        every whitespace removed, upper case; NULL for an empty name. Same idea as
        pipelines.contract.label_key. -#}
    nullif(upper({{ strip_whitespace(fold_full_width(expr)) }}), '')
{%- endmacro %}
