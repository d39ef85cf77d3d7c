{#- Incremental staging: a new monthly batch recomputes only the natural keys it touches.

    The staging models that keep the current version of each key (current_version) read every
    version ever loaded; rebuilding them is most of a new month's dbt build at province scale. On
    DuckDB they are incremental (delete+insert on the key): the keys a load may have changed are
    recomputed from all their versions, so the result equals a full rebuild (tests/test_dbt_incremental.py).
    Elsewhere (Spark's parquet tables have no DELETE) they are plain tables: same SQL, same rows. -#}

{% macro _platform_entity(entity) -%}
    {%- for e in platform_entities() if e.entity == entity -%}
        {{ return(e) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("unknown platform entity " ~ entity) }}
{%- endmacro %}


{% macro _loaded_since_this() -%}
    {#- The newest load {{ this }} reflects. Each ingest run stamps its rows with one _loaded_at,
        later than every earlier run's (pipelines/ingest/load.py run_timestamp): rows newer than
        this are exactly those of the loads since. -#}
    (select coalesce(max(_loaded_at), cast('1900-01-01 00:00:00' as timestamp)) from {{ this }})
{%- endmacro %}


{% macro _withdrawn_keys(e) -%}
    {#- Keys of rows moved from raw to raw.rejects since (a conflict inside one batch withdraws loaded
        rows; their row_json is keyed by the contract's headers). Other rejected rows never reached
        raw: their keys come along harmlessly. -#}
    select json_extract_string(row_json, '$."{{ e.natural_key[0].header }}"')
    from {{ source('raw', 'rejects') }}
    where entity = '{{ e.entity }}' and _loaded_at > {{ _loaded_since_this() }}
{%- endmacro %}


{% macro changed_keys(entity) -%}
    {#- The keys whose current version may differ from {{ this }}'s (single-column keys). -#}
    {%- set e = _platform_entity(entity) -%}
    {%- if e.natural_key | length != 1 -%}
        {{ exceptions.raise_compiler_error("changed_keys: " ~ entity ~ " has a composite key") }}
    {%- endif -%}
    select {{ e.natural_key[0].column }}
    from {{ source('raw', e.table) }}
    where _loaded_at > {{ _loaded_since_this() }}
    union
    {{ _withdrawn_keys(e) }}
{%- endmacro %}


{% macro forget_vanished_keys(entity) -%}
    {#- Post-hook: delete+insert replaces the keys that still have a version; a key whose every
        version was withdrawn must leave {{ this }} too. -#}
    {%- if is_incremental() -%}
        {%- set e = _platform_entity(entity) -%}
        {%- set key = e.natural_key[0].column -%}
        delete from {{ this }}
        where {{ key }} in ({{ _withdrawn_keys(e) }})
          and not exists (select 1 from {{ source('raw', e.table) }} as r where r.{{ key }} = {{ this }}.{{ key }})
    {%- endif -%}
{%- endmacro %}
