-- 按时公示率: per event type and over all types, obligations published by the deadline / obligations
-- due; 公示率: published on time or late / due; exempt obligations / all obligations (descriptive).
-- The rules live in int_metric_records__obligations (statuses and deadlines: int_publication__obligations);
-- this mart counts its records at every scope and grain (macro metric_from_records). A metric has a
-- row only where its records exist (a department without decisions has no decision row).
{%- set event_types = ['plan', 'task', 'draw_list', 'result', 'decision'] %}
{%- set metric_codes = [] %}
{%- for t in event_types %}{% do metric_codes.append('on_time_publication_' ~ t) %}{% endfor %}
{%- do metric_codes.extend(['on_time_publication', 'publication_rate', 'exempt_obligations']) %}
with

obligation_records as (

    select * from {{ ref('int_metric_records__obligations') }}

),

scoped as (
    {{ metric_from_records('obligation_records', metric_codes) }}
),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from scoped

)

select * from final
