{#- Every place the SQL differs between the engines, as adapter.dispatch macros (default__ = DuckDB
    and anything else, spark__ = Spark). Models call the plain names; nothing else in the project
    looks at target.type except the Spark-only operation register_raw_parquet (spark_raw.sql).
    Why each exists is in docs/scaling.md; the portability rules are in dbt_project/README.md. -#}


{% macro staging_materialization() -%}
    {#- The staging models that keep the current version per key (macros/incremental_staging.sql):
        incremental delete+insert on DuckDB; plain tables where there is no DELETE (Spark's parquet
        tables), with the same SQL and the same rows. -#}
    {{ return(adapter.dispatch('staging_materialization', 'sssg')()) }}
{%- endmacro %}

{% macro default__staging_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{% macro duckdb__staging_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}


{% macro list_entries(list_expr) -%}
    {#- A select-list expression giving one row per entry of a list cell (any separator), entries
        cleaned like list_normalised (empty entries come out as ''). Lets a list be joined on
        equality instead of matching each list against each value (rows x rows). -#}
    {{ return(adapter.dispatch('list_entries', 'sssg')(list_expr)) }}
{%- endmacro %}

{% macro default__list_entries(list_expr) -%}
    unnest(string_split({{ list_normalised(list_expr) }}, ';'))
{%- endmacro %}

{% macro spark__list_entries(list_expr) -%}
    explode(split({{ list_normalised(list_expr) }}, ';'))
{%- endmacro %}


{% macro spark__load_csv_rows(model, agate_table) %}
    {#- Spark only (dispatched by dbt-spark's seed materialization). Its own loader binds values by
        Python string formatting in session mode: an apostrophe ends the literal, an empty cell
        becomes the text 'None' and backslashes are eaten. This one writes the literals itself. -#}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
                    {%- set value = row[loop.index0] -%}
                    cast({{ 'null' if value is none else "'" ~ (value | string).replace('\\', '\\\\').replace("'", "\\'") ~ "'" }} as {{ type }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
