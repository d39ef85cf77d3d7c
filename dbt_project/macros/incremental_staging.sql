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


{% macro _key_list(e) -%}
    {{ return(e.natural_key | map(attribute='column') | join(', ')) }}
{%- endmacro %}


{% macro _withdrawn_keys(e, since_this=true) -%}
    {#- Keys of rows moved from raw to raw.rejects (a conflict inside one batch withdraws loaded rows;
        their row_json is keyed by the contract's headers): since {{ this }}'s newest load, or ever.
        Other rejected rows never reached raw: their keys come along harmlessly. -#}
    select
        {%- for k in e.natural_key %}
        json_extract_string(row_json, '$."{{ k.header }}"') as {{ k.column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ source('raw', 'rejects') }}
    where entity = '{{ e.entity }}'
      {%- if since_this %}
      and _loaded_at > {{ _loaded_since_this() }}
      {%- endif %}
{%- endmacro %}


{% macro changed_keys(entity) -%}
    {#- The keys whose current version may differ from {{ this }}'s. -#}
    {%- set e = _platform_entity(entity) -%}
    select {{ _key_list(e) }}
    from {{ source('raw', e.table) }}
    where _loaded_at > {{ _loaded_since_this() }}
    union
    {{ _withdrawn_keys(e) }}
{%- endmacro %}


{% macro only_changed_keys(entity) -%}
    {#- The source CTE's filter: on an incremental run, every version of the changed keys only. -#}
    {%- if is_incremental() -%}
    where ({{ _key_list(_platform_entity(entity)) }}) in ({{ changed_keys(entity) }})
    {%- endif -%}
{%- endmacro %}


{% macro forget_vanished_keys(entity) -%}
    {#- Post-hook: delete+insert replaces the keys that still have a version; a key whose every
        version was withdrawn must leave {{ this }} too. Every key ever withdrawn is checked (raw.rejects
        is small), not only those since the newest load in {{ this }}: after this run's insert that
        load is this run's own, and a withdrawal beside new rows would be missed. -#}
    {%- if is_incremental() -%}
        {%- set e = _platform_entity(entity) -%}
        delete from {{ this }}
        where ({{ _key_list(e) }}) in ({{ _withdrawn_keys(e, since_this=false) }})
          and not exists (
              select 1 from {{ source('raw', e.table) }} as r
              where {% for k in e.natural_key %}r.{{ k.column }} = {{ this }}.{{ k.column }}{{ " and " if not loop.last }}{% endfor %}
          )
    {%- endif -%}
{%- endmacro %}
