{% test rate_between(model, column_name, min_value=0, max_value=1) %}
{#- Fails with each row whose rate lies outside [min_value, max_value]; NULL (not applicable) passes. -#}
select *
from {{ model }}
where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}
{% endtest %}
