{% macro current_version(relation, key_columns) -%}
    {#- The current version of each natural key in an append-only raw relation: the row from the
        latest _batch_date, then the latest _batch_id, then the highest _row_number (a later row of
        the same file restates the key); _loaded_at only breaks ties between reloads of one file.
        Adds _version_count: how many rows (versions) of the key were loaded in all.
        `key_columns` are column names (or expressions) of `relation`. -#}
    {%- set key = key_columns | join(', ') -%}
    select
        *,
        count(*) over (partition by {{ key }}) as _version_count
    from {{ relation }}
    qualify row_number() over (
        partition by {{ key }}
        order by
            _batch_date desc nulls last,
            _batch_id desc nulls last,
            _row_number desc nulls last,
            _loaded_at desc nulls last
    ) = 1
{%- endmacro %}


{% macro lineage_columns() -%}
    {#- Lineage of the current version, and how many versions the key has. -#}
    _batch_id,
    _batch_date,
    _file_name,
    _row_number,
    _loaded_at,
    _version_count
{%- endmacro %}
