{% macro generate_schema_name(custom_schema_name, node) -%}
    {#- Custom schema names are used verbatim (staging, intermediate, marts, seeds), not prefixed
        with the target schema: the publish step and the dashboard look for schema marts. -#}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
