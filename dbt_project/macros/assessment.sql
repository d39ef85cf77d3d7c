{% macro target_attainment(rate, target, direction) -%}
    {#- How far a rate reaches its target, 0..1 (the assessment's scoring rule `ratio_to_target`):
        at_least: min(rate / target, 1), a target of 0 is always met; at_most: min(target / rate, 1), a
        rate of 0 is always within. NULL without a rate or a target (not applicable / not scored).
        fct_metric_values.attainment, which the score parts and the heatmap read. -#}
    {%- set rate = '(' ~ rate ~ ')' %}
    {%- set target = '(' ~ target ~ ')' %}
    case
        when {{ rate }} is null or {{ target }} is null then null
        when {{ direction }} = 'at_most' then
            case when {{ rate }} = 0 then 1.0 else least(cast({{ target }} as double) / {{ rate }}, 1.0) end
        when {{ target }} = 0 then 1.0
        else least({{ rate }} / cast({{ target }} as double), 1.0)
    end
{%- endmacro %}
