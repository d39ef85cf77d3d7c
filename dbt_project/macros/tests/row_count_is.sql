{% test row_count_is(model, expected) %}
{#- Fails (one row) unless the model has exactly `expected` rows: a one-row settings model stays one row. -#}
select count(*) as row_count
from {{ model }}
having count(*) <> {{ expected }}
{% endtest %}
