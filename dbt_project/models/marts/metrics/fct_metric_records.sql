-- 审计追溯: the records behind each metric's numerator and denominator, one row per metric x record,
-- keyed like fct_metric_values (metric_code, dept_code, region_code, year, period_date), so any metric
-- cell lists its records: filter by metric_code, year (and period_date within the period), then
-- dept_code (scope department), region_code (scope region) or nothing (scope city). The numerator of
-- a cell = distinct record_key with in_numerator, the denominator = distinct record_key with
-- in_denominator; tests/metric_records_reproduce_metric_values.sql holds this against
-- fct_metric_values. Not listed: the register behind the sampling-ratio denominators (objects on the
-- register on 1 January, int_object__register_at_year_start), mechanisms (mart_metric__mechanism_
-- coverage_detail) and visits_saved (a sum of item checks, not a count of records).
-- 不予公示: a result with a nondisclosure reason is listed (it counts) under a masked token instead of
-- its result_id (macro mask_nondisclosed: stable and distinct, so distinct counts are unchanged) and
-- without its content (detail blank); its obligations come masked from mart_publication__obligations.
{%- set event_types = ['plan', 'task', 'draw_list', 'result', 'decision'] %}
{%- set classes = var('credit_classes') %}
with

tasks as (

    select * from {{ ref('int_task__resolved') }}
    where dept_code is not null

),

draws as (

    select * from {{ ref('int_draw__resolved') }}
    where dept_code is not null

),

random_tasks as (

    select distinct task_id
    from {{ ref('int_draw__resolved') }}
    where is_random_draw

),

results as (

    select * from {{ ref('int_result__resolved') }}

),

matches as (

    select
        assignments.task_id,
        assignments.uscc,
        assignments.inspector_id,
        assignments.match_mode,
        assignments.is_random_match,
        tasks.dept_code,
        tasks.region_code,
        tasks.year,
        tasks.period_date
    from {{ ref('stg_platform__assignment') }} as assignments
    inner join tasks
        on assignments.task_id = tasks.task_id

),

obligations as (

    select * from {{ ref('mart_publication__obligations') }}
    where dept_code is not null
        and event_date is not null

),

task_records as (

    select
        metric.metric_code,
        tasks.dept_code,
        tasks.region_code,
        tasks.year,
        tasks.period_date,
        'task' as record_kind,
        tasks.task_id as record_key,
        tasks.task_id,
        cast(null as string) as uscc,
        tasks.start_date as record_date,
        tasks.task_source as detail,
        case metric.metric_code
            when 'temporary_task_share_tasks' then tasks.is_temporary
            when 'joint_task_share_tasks' then tasks.is_joint
            when 'credit_linked_task_share' then random_tasks.task_id is not null and tasks.is_credit_linked
        end as in_numerator,
        case metric.metric_code
            when 'credit_linked_task_share' then random_tasks.task_id is not null
            else true
        end as in_denominator
    from tasks
    left join random_tasks
        on tasks.task_id = random_tasks.task_id
    cross join (
        select 'temporary_task_share_tasks' as metric_code
        union all select 'joint_task_share_tasks'
        union all select 'credit_linked_task_share'
    ) as metric

),

draw_records as (

    select
        metric.metric_code,
        draws.dept_code,
        draws.region_code,
        draws.year,
        draws.period_date,
        'draw' as record_kind,
        case
            when metric.metric_code like 'sampling_ratio%' then draws.uscc
            else {{ dbt.concat(["draws.task_id", "'|'", "draws.uscc"]) }}
        end as record_key,
        draws.task_id,
        draws.uscc,
        draws.draw_date as record_date,
        draws.draw_mode as detail,
        case metric.metric_code
            when 'temporary_task_share_objects' then draws.is_temporary
            when 'random_draw_share' then draws.is_random_draw
            when 'task_completion_rate' then draws.is_task_due and draws.is_completed
            when 'task_closure_rate' then draws.is_task_due and draws.is_closed_out
            when 'sampling_ratio' then true
            {%- for c in classes %}
            when '{{ credit_class_metric_code(c) }}' then coalesce(draws.credit_class_at_draw = '{{ c }}', false)
            {%- endfor %}
        end as in_numerator,
        case
            when metric.metric_code in ('task_completion_rate', 'task_closure_rate') then draws.is_task_due
            -- the sampling-ratio denominator is the register, not these records
            when metric.metric_code like 'sampling_ratio%' then false
            else true
        end as in_denominator
    from draws
    cross join (
        select 'temporary_task_share_objects' as metric_code
        union all select 'random_draw_share'
        union all select 'task_completion_rate'
        union all select 'task_closure_rate'
        union all select 'sampling_ratio'
        {%- for c in classes %}
        union all select '{{ credit_class_metric_code(c) }}'
        {%- endfor %}
    ) as metric

),

match_records as (

    select
        'random_match_share' as metric_code,
        dept_code,
        region_code,
        year,
        period_date,
        'assignment' as record_kind,
        {{ dbt.concat(["task_id", "'|'", "coalesce(uscc, '')", "'|'", "inspector_id"]) }} as record_key,
        task_id,
        uscc,
        cast(null as date) as record_date,
        match_mode as detail,
        is_random_match as in_numerator,
        true as in_denominator
    from matches

),

visit_records as (

    select
        'joint_visit_share' as metric_code,
        task_dept_code as dept_code,
        task_region_code as region_code,
        year,
        period_date,
        'visit' as record_kind,
        visit_key as record_key,
        task_id,
        uscc,
        inspection_date as record_date,
        {{ mask_nondisclosed('result_id', 'is_nondisclosed') }} as detail,
        is_joint as in_numerator,
        true as in_denominator
    from results
    where task_dept_code is not null
        and inspection_date is not null

),

result_records as (

    select
        metric.metric_code,
        results.dept_code,
        results.region_code,
        results.year,
        results.period_date,
        'result' as record_kind,
        {{ mask_nondisclosed('results.result_id', 'results.is_nondisclosed') }} as record_key,
        results.task_id,
        results.uscc,
        results.formed_date as record_date,
        {{ withhold_nondisclosed('results.result_category', 'results.is_nondisclosed') }} as detail,
        case metric.metric_code
            when 'follow_up_closure_rate' then results.is_problem and results.is_follow_up_closed
            else not results.is_no_problem
        end as in_numerator,
        case metric.metric_code
            when 'follow_up_closure_rate' then results.is_problem
            else true
        end as in_denominator
    from results
    cross join (
        select 'follow_up_closure_rate' as metric_code
        union all select 'problem_finding_rate'
    ) as metric
    where results.dept_code is not null
        and results.year is not null

),

item_records as (

    select
        'item_coverage' as metric_code,
        dept_code,
        region_code,
        year,
        cast(null as date) as period_date,
        'item' as record_kind,
        item_code as record_key,
        cast(null as string) as task_id,
        cast(null as string) as uscc,
        cast(null as date) as record_date,
        cast(null as string) as detail,
        is_used as in_numerator,
        true as in_denominator
    from {{ ref('int_item__coverage_records') }}

),

inspector_records as (

    select
        'inspector_participation' as metric_code,
        dept_code,
        region_code,
        year,
        cast(null as date) as period_date,
        'inspector' as record_kind,
        inspector_id as record_key,
        cast(null as string) as task_id,
        cast(null as string) as uscc,
        cast(null as date) as record_date,
        cast(null as string) as detail,
        is_matched as in_numerator,
        true as in_denominator
    from {{ ref('int_inspector__participation_records') }}

),

obligation_records as (

    select
        case metric.metric_code
            when 'on_time_publication_' then {{ dbt.concat(["'on_time_publication_'", "obligations.event_type"]) }}
            else metric.metric_code
        end as metric_code,
        obligations.dept_code,
        obligations.region_code,
        obligations.year,
        obligations.event_date as period_date,
        'obligation' as record_kind,
        obligations.obligation_key as record_key,
        obligations.task_id,
        cast(null as string) as uscc,
        obligations.event_date as record_date,
        obligations.status as detail,
        case metric.metric_code
            when 'publication_rate' then obligations.status in ('on_time', 'late')
            when 'exempt_obligations' then obligations.status = 'exempt'
            else obligations.status = 'on_time'
        end as in_numerator,
        case metric.metric_code
            when 'exempt_obligations' then true
            else obligations.is_due
        end as in_denominator
    from obligations
    cross join (
        select 'on_time_publication_' as metric_code
        union all select 'on_time_publication'
        union all select 'publication_rate'
        union all select 'exempt_obligations'
    ) as metric

),

unioned as (

    select * from task_records
    union all
    select * from draw_records
    union all
    select * from match_records
    union all
    select * from visit_records
    union all
    select * from result_records
    union all
    select * from item_records
    union all
    select * from inspector_records
    union all
    select * from obligation_records

)

select *
from unioned
where coalesce(in_numerator, false) or coalesce(in_denominator, false)
