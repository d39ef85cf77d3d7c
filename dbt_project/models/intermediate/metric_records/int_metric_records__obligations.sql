-- Metric records of publication (三(八)), one row per metric x publication obligation
-- (int_publication__obligations: clock, deadline, status) whose department resolves and whose clock has
-- started (obligations awaiting their event have no event date and count nowhere). Counted for the
-- obligation's department in the year of the event date (period_date = event date).
--   按时公示率 on_time_publication_<event type> and on_time_publication (all types): status on_time /
--       due (is_due: on_time, late, overdue_unpublished, published_before_event);
--   公示率 publication_rate: on_time or late / due (published_before_event is due, never published);
--   依法不予公示 exempt_obligations (descriptive): status exempt / all obligations.
-- record_key = event_type|record_id as in mart_publication__obligations.obligation_key (a relationships
-- test holds them equal); 不予公示: the record id of a result with a nondisclosure reason and of the
-- decisions on it is a masked token (macro mask_nondisclosed).
{#- The rules, one per metric: numerator and denominator flags. on_time_publication_ stands for the
    obligation's own event type (on_time_publication_plan, _task, _draw_list, _result, _decision). -#}
{%- set rules = [
    {'metric': 'on_time_publication_', 'numerator': "resolved.status = 'on_time'", 'denominator': 'resolved.is_due'},
    {'metric': 'on_time_publication', 'numerator': "resolved.status = 'on_time'", 'denominator': 'resolved.is_due'},
    {'metric': 'publication_rate', 'numerator': "resolved.status in ('on_time', 'late')", 'denominator': 'resolved.is_due'},
    {'metric': 'exempt_obligations', 'numerator': "resolved.status = 'exempt'", 'denominator': 'true'},
] %}
{{ config(materialized="ephemeral") }}
with

obligations as (

    select * from {{ ref('int_publication__obligations') }}
    where event_date is not null

),

departments as (

    select * from {{ ref('int_department__name_lookup') }}
    where dept_code is not null

),

resolved as (

    select
        obligations.event_type,
        {{ mask_nondisclosed('obligations.record_id', 'obligations.is_nondisclosed') }} as shown_record_id,
        obligations.task_id,
        departments.dept_code,
        departments.region_code,
        cast(extract(year from obligations.event_date) as int) as year,
        obligations.event_date,
        obligations.status,
        obligations.is_due
    from obligations
    inner join departments
        on obligations.dept_name_key = departments.name_key

),

{% for rule in rules %}
{{ rule.metric }}records as (

    select
        {% if rule.metric == 'on_time_publication_' -%}
        {{ dbt.concat(["'on_time_publication_'", "resolved.event_type"]) }}
        {%- else -%}
        '{{ rule.metric }}'
        {%- endif %} as metric_code,
        resolved.dept_code,
        resolved.region_code,
        resolved.year,
        resolved.event_date as period_date,
        'obligation' as record_kind,
        {{ dbt.concat(["resolved.event_type", "'|'", "resolved.shown_record_id"]) }} as record_key,
        resolved.task_id,
        cast(null as string) as uscc,
        resolved.event_date as record_date,
        resolved.status as detail,
        {{ rule.numerator }} as in_numerator,
        {{ rule.denominator }} as in_denominator
    from resolved

),

{% endfor -%}
final as (

    {% for rule in rules %}
    select * from {{ rule.metric }}records
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

)

select * from final
