{% macro register_raw_parquet(root) -%}
    {#- Spark only: (re)register every table of source `raw` as an external Parquet table over the
        ingest's monthly export (<root>/<table>/batch_month=YYYY-MM/, pipelines/ingest/parquet.py).
        Columns and types come from the generated sources file, so an empty table still has its
        schema; the month is the partition column. The files stay where they are: dropping an
        external table drops only its metastore entry.
        dbt run-operation register_raw_parquet --target spark --args '{root: /abs/path}' -#}
    {%- if target.type != 'spark' -%}
        {{ exceptions.raise_compiler_error("register_raw_parquet is for the spark target; DuckDB reads raw from the warehouse file") }}
    {%- endif -%}
    {%- if not root.startswith('/') -%}
        {{ exceptions.raise_compiler_error("register_raw_parquet: root must be an absolute path, got " ~ root) }}
    {%- endif -%}
    {%- set spark_types = {'VARCHAR': 'string', 'DATE': 'date', 'BIGINT': 'bigint', 'BOOLEAN': 'boolean',
                           'TIMESTAMP': 'timestamp_ntz', 'DECIMAL(18,4)': 'decimal(18,4)'} -%}
    {%- do run_query('create database if not exists raw') -%}
    {%- for source in graph.sources.values() | selectattr('source_name', 'equalto', 'raw') | sort(attribute='name') -%}
        {%- set columns = [] -%}
        {%- for column in source.columns.values() -%}
            {%- if column.data_type not in spark_types -%}
                {{ exceptions.raise_compiler_error("register_raw_parquet: no Spark type for " ~ source.name ~ "." ~ column.name ~ " " ~ column.data_type) }}
            {%- endif -%}
            {%- do columns.append(column.name ~ ' ' ~ spark_types[column.data_type]) -%}
        {%- endfor -%}
        {%- do run_query('drop table if exists raw.' ~ source.identifier) -%}
        {%- do run_query('create table raw.' ~ source.identifier ~ ' (' ~ columns | join(', ') ~ ', batch_month string)'
                         ~ ' using parquet partitioned by (batch_month)'
                         ~ " location '" ~ root ~ '/' ~ source.identifier ~ "'") -%}
        {%- do run_query('msck repair table raw.' ~ source.identifier) -%}
        {%- do log('raw.' ~ source.identifier ~ ': ' ~ run_query('select count(*) from raw.' ~ source.identifier).columns[0].values()[0] ~ ' rows', info=true) -%}
    {%- endfor -%}
{%- endmacro %}


{% macro register_raw_parquet_on_run_start() -%}
    {#- on-run-start: on Spark, a build given the raw Parquet root registers raw.* itself, in the JVM the
        build starts anyway (one start instead of a run-operation's and then the build's):
        dbt build --target spark --vars '{raw_parquet_root: /abs/path}'. Elsewhere, or with no root,
        nothing (an empty hook). -#}
    {%- if execute and target.type == 'spark' and var('raw_parquet_root', none) -%}
        {%- do register_raw_parquet(var('raw_parquet_root')) -%}
    {%- endif -%}
{%- endmacro %}
