-- 按时公示率: per event type and over all types, obligations published by the deadline / obligations
-- due; 公示率: published on time or late / due; exempt obligations / all obligations (descriptive).
-- Attributed to the obligation's department; year = year of the event date. Rules and choices in
-- mart_metric__publication.yml.
{%- set event_types = ['plan', 'task', 'draw_list', 'result', 'decision'] %}

with

obligations as (

    select * from {{ ref('int_publication__obligations') }}

),

departments as (

    select * from {{ ref('int_department__name_lookup') }}

),

records as (

    select
        departments.dept_code,
        departments.region_code,
        cast(extract(year from obligations.event_date) as int) as year,
        obligations.event_date as period_date,
        obligations.event_type,
        obligations.status,
        coalesce(obligations.is_due, false) as is_due
    from obligations
    inner join departments
        on obligations.dept_name_key = departments.name_key
    where departments.dept_code is not null
        and obligations.event_date is not null

),

{% for t in event_types %}
records_{{ t }} as (

    select * from records
    where event_type = '{{ t }}'

),

by_{{ t }} as (
    {{ metric_scopes('records_' ~ t, 'on_time_publication_' ~ t,
        "count(*) filter (where status = 'on_time')", 'count(*) filter (where is_due)') }}
),

{% endfor %}
all_types as (
    {{ metric_scopes('records', 'on_time_publication',
        "count(*) filter (where status = 'on_time')", 'count(*) filter (where is_due)') }}
),

published as (
    {{ metric_scopes('records', 'publication_rate',
        "count(*) filter (where status in ('on_time', 'late'))", 'count(*) filter (where is_due)') }}
),

exempt as (
    {{ metric_scopes('records', 'exempt_obligations', "count(*) filter (where status = 'exempt')", 'count(*)') }}
),

unioned as (

    {% for t in event_types %}
    select * from by_{{ t }}
    union all
    {% endfor %}
    select * from all_types
    union all
    select * from published
    union all
    select * from exempt

),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from unioned

)

select * from final
