-- One row per publication obligation (plan, task, drawn list, result, decision): the date that
-- starts its clock, the deadline (N-th official working day strictly after it, via the running
-- working-day number of seed official_calendar), the publication date and the status.
-- The rules and the choices where the policy is open are in int_publication__obligations.yml.
-- A clock the official calendar cannot run yet (its deadline falls in a year the calendar does not
-- cover) is `awaiting_calendar`: no deadline is ever guessed, and the build still publishes.

with

plans as (

    select * from {{ ref('stg_platform__plan') }}

),

tasks as (

    select * from {{ ref('stg_platform__task') }}

),

draws as (

    select * from {{ ref('stg_platform__draw') }}

),

results as (

    select * from {{ ref('stg_platform__result') }}

),

decisions as (

    select * from {{ ref('stg_platform__decision') }}

),

calendar as (

    select * from {{ ref('official_calendar') }}

),

deadlines as (

    select * from {{ ref('publication_deadlines') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

calendar_bounds as (

    select
        min(calendar_date) as first_date,
        max(calendar_date) as last_date,
        max(calendar_year) as last_year
    from calendar

),

-- one drawn list per task: complete on its latest draw date, published once every row is
draw_lists as (

    select
        task_id,
        max(draw_date) as list_event_date,
        count(*) as list_draws,
        count(list_published_date) as list_draws_published,
        case
            when count(list_published_date) = count(*) then max(list_published_date)
        end as list_published_date
    from draws
    group by task_id

),

plan_obligations as (

    select
        'plan' as event_type,
        plan_id as record_id,
        cast(null as string) as task_id,
        dept_name,
        dept_name_key,
        cast(null as boolean) as is_temporary_task,
        case
            when is_enterprise_related or approved_date is not null then 'approved_date'
            else 'filed_date'
        end as event_basis,
        case
            when is_enterprise_related then approved_date
            else coalesce(approved_date, filed_date)
        end as event_date,
        'plan' as clock_type,
        published_date,
        false as is_not_required,
        cast(null as string) as exempt_reason,
        false as is_nondisclosed,
        cast(null as bigint) as list_draws,
        cast(null as bigint) as list_draws_published
    from plans

),

task_obligations as (

    select
        'task' as event_type,
        tasks.task_id as record_id,
        tasks.task_id,
        tasks.lead_dept_name as dept_name,
        tasks.lead_dept_name_key as dept_name_key,
        tasks.is_temporary as is_temporary_task,
        case
            when tasks.is_temporary then 'list_draw_date'
            when tasks.approved_date is not null then 'approved_date'
            else 'start_date'
        end as event_basis,
        case
            when tasks.is_temporary then draw_lists.list_event_date
            else coalesce(tasks.approved_date, tasks.start_date)
        end as event_date,
        -- a temporary task is due together with its drawn list: the list's clock
        case when tasks.is_temporary then 'draw_list' else 'task' end as clock_type,
        tasks.published_date,
        coalesce(tasks.is_surprise, false) as is_not_required,
        cast(null as string) as exempt_reason,
        false as is_nondisclosed,
        cast(null as bigint) as list_draws,
        cast(null as bigint) as list_draws_published
    from tasks
    left join draw_lists
        on tasks.task_id = draw_lists.task_id

),

draw_list_obligations as (

    select
        'draw_list' as event_type,
        draw_lists.task_id as record_id,
        draw_lists.task_id,
        tasks.lead_dept_name as dept_name,
        tasks.lead_dept_name_key as dept_name_key,
        tasks.is_temporary as is_temporary_task,
        'draw_date' as event_basis,
        draw_lists.list_event_date as event_date,
        'draw_list' as clock_type,
        draw_lists.list_published_date as published_date,
        coalesce(tasks.is_surprise, false) as is_not_required,
        cast(null as string) as exempt_reason,
        false as is_nondisclosed,
        draw_lists.list_draws,
        draw_lists.list_draws_published
    from draw_lists
    left join tasks
        on draw_lists.task_id = tasks.task_id

),

result_obligations as (

    select
        'result' as event_type,
        results.result_id as record_id,
        results.task_id,
        results.dept_name,
        results.dept_name_key,
        tasks.is_temporary as is_temporary_task,
        'formed_date' as event_basis,
        results.formed_date as event_date,
        'result' as clock_type,
        results.published_date,
        false as is_not_required,
        results.nondisclosure_reason as exempt_reason,
        results.nondisclosure_reason is not null as is_nondisclosed,
        cast(null as bigint) as list_draws,
        cast(null as bigint) as list_draws_published
    from results
    left join tasks
        on results.task_id = tasks.task_id

),

decision_obligations as (

    select
        'decision' as event_type,
        decisions.decision_id as record_id,
        results.task_id,
        results.dept_name,
        results.dept_name_key,
        tasks.is_temporary as is_temporary_task,
        'decision_date' as event_basis,
        decisions.decision_date as event_date,
        'decision' as clock_type,
        decisions.published_date,
        false as is_not_required,
        cast(null as string) as exempt_reason,
        -- a decision on a non-disclosed result is itself not to be disclosed (its id is masked in the marts)
        coalesce(results.nondisclosure_reason is not null, false) as is_nondisclosed,
        cast(null as bigint) as list_draws,
        cast(null as bigint) as list_draws_published
    from decisions
    left join results
        on decisions.result_id = results.result_id
    left join tasks
        on results.task_id = tasks.task_id

),

obligations as (

    select * from plan_obligations
    union all
    select * from task_obligations
    union all
    select * from draw_list_obligations
    union all
    select * from result_obligations
    union all
    select * from decision_obligations

),

-- statuses are judged as of the as-of date: a publication dated after it had not happened yet then
-- (rebuilding with an earlier as_of_date shows what was pending on that day)
known as (

    select
        obligations.event_type,
        obligations.record_id,
        obligations.task_id,
        obligations.dept_name,
        obligations.dept_name_key,
        obligations.is_temporary_task,
        obligations.event_basis,
        obligations.event_date,
        obligations.clock_type,
        case
            when as_of.as_of_date is null or obligations.published_date <= as_of.as_of_date
                then obligations.published_date
        end as published_date,
        obligations.is_not_required,
        obligations.exempt_reason,
        obligations.is_nondisclosed,
        obligations.list_draws,
        obligations.list_draws_published
    from obligations
    cross join as_of

),

clocked as (

    select
        known.*,
        deadlines.working_days,
        event_day.working_day_seq + deadlines.working_days as deadline_seq
    from known
    left join deadlines
        on known.clock_type = deadlines.event_type
    left join calendar as event_day
        on known.event_date = event_day.calendar_date

),

with_deadline as (

    select
        clocked.*,
        deadline_day.calendar_date as clock_deadline_date,
        -- a publication on a non-working day counts as on the next working day
        published_day.working_day_seq
            + case when published_day.is_working_day then 0 else 1 end as published_seq
    from clocked
    left join calendar as deadline_day
        on deadline_day.is_working_day
        and clocked.deadline_seq = deadline_day.working_day_seq
    left join calendar as published_day
        on clocked.published_date = published_day.calendar_date

),

classified as (

    select
        with_deadline.*,
        as_of.as_of_date,
        case
            when is_not_required then 'not_required'
            when exempt_reason is not null then 'exempt'
            when event_date is null then 'awaiting_event'
            -- the clock started but the calendar does not reach its deadline (yet): never guessed
            when clock_deadline_date is null then 'awaiting_calendar'
            when published_date < event_date then 'published_before_event'
            when published_date <= clock_deadline_date then 'on_time'
            when published_date is not null then 'late'
            when clock_deadline_date < as_of.as_of_date then 'overdue_unpublished'
            when as_of.as_of_date is not null then 'not_yet_due'
        end as status
    from with_deadline
    cross join as_of

),

-- the year the calendar must be extended to for an awaiting_calendar clock
needing as (

    select
        classified.*,
        case
            when classified.status <> 'awaiting_calendar' then null
            when classified.event_date < calendar_bounds.first_date
                or classified.event_date > calendar_bounds.last_date
                then cast(extract(year from classified.event_date) as int)
            else calendar_bounds.last_year + 1
        end as calendar_year_needed
    from classified
    cross join calendar_bounds

),

final as (

    select
        event_type,
        record_id,
        task_id,
        dept_name,
        dept_name_key,
        is_temporary_task,
        event_basis,
        event_date,
        working_days,
        case
            when status not in ('not_required', 'exempt', 'awaiting_event', 'awaiting_calendar') then clock_deadline_date
        end as deadline_date,
        published_date,
        status,
        case when status = 'late' then published_seq - deadline_seq end as working_days_late,
        coalesce(status in ('on_time', 'late', 'overdue_unpublished', 'published_before_event'), false) as is_due,
        -- published after the deadline, or still unpublished past it
        coalesce(status in ('late', 'overdue_unpublished'), false) as is_late,
        exempt_reason,
        is_nondisclosed,
        list_draws,
        list_draws_published,
        calendar_year_needed,
        as_of_date
    from needing

)

select * from final
