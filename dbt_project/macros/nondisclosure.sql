{#- 不予公示 (non-disclosure): an inspection result with a nondisclosure_reason (国家秘密 / 商业秘密 /
    个人隐私), and the decisions and referrals on it, never leave the warehouse with their identifiers
    or content. Published marts (schema marts, copied to the serving artefact) show such a record
    only through a masked token, so it is still counted: the token is stable (the same id always
    gives the same token) and distinct ids give distinct tokens (64 bits of md5), so distinct counts
    and the audit trail (fct_metric_records) reproduce every numerator and denominator unchanged.
    The rule, in one place; docs/metrics.md section "不予公示的记录". Portable: md5, substr and
    dbt.concat exist on DuckDB and Spark alike. -#}

{% macro nondisclosure_token(id_expr) -%}
    {{ return(adapter.dispatch('nondisclosure_token', 'sssg')(id_expr)) }}
{%- endmacro %}

{% macro default__nondisclosure_token(id_expr) -%}
    {{ dbt.concat(["'不予公示-'", "substr(md5(cast(" ~ id_expr ~ " as string)), 1, 16)"]) }}
{%- endmacro %}


{% macro mask_nondisclosed(id_expr, is_nondisclosed_expr) -%}
    {#- The identifier `id_expr`, or its token when `is_nondisclosed_expr` is true. NULL stays NULL. -#}
    case
        when coalesce({{ is_nondisclosed_expr }}, false) and {{ id_expr }} is not null
            then {{ nondisclosure_token(id_expr) }}
        else {{ id_expr }}
    end
{%- endmacro %}


{% macro withhold_nondisclosed(expr, is_nondisclosed_expr) -%}
    {#- Free text of a non-disclosed record: NULL (blank) when `is_nondisclosed_expr` is true. -#}
    case when coalesce({{ is_nondisclosed_expr }}, false) then null else {{ expr }} end
{%- endmacro %}


{% macro mentions_nondisclosure(text_expr) -%}
    {#- True when a verbatim row (JSON of header -> cell text) carries a non-disclosure reason: a
        non-empty cell under the result's 不予公示原因 header or its synonym (whatever the value, a
        reason the contract does not know included; headers match with their spaces removed, as the
        ingest matches them), or any of the reasons' words anywhere (国家秘密, 商业秘密, 个人隐私 and
        their synonyms all contain 秘密 or 隐私). Errs on withholding. A backstop: since the ingest
        decides the flag itself (raw.rejects.is_withheld) and stores such rows without their cells,
        only rows stored before that reach it. -#}
    {%- set squeezed = "replace(replace(" ~ text_expr ~ ", ' ', ''), '　', '')" -%}
    (
        {{ dbt.position("'\"不予公示原因\":\"'", squeezed) }} > 0
        or {{ dbt.position("'\"不公示原因\":\"'", squeezed) }} > 0
        or {{ dbt.position("'秘密'", text_expr) }} > 0
        or {{ dbt.position("'隐私'", text_expr) }} > 0
    )
{%- endmacro %}
