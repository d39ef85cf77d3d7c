-- Every publication obligation with its department resolved, ready to list: the late, overdue and
-- missing ones for the bureau, and the records behind the publication metrics (drill-down). Clock,
-- deadline and status come unchanged from int_publication__obligations; deadline_working_day_seq
-- (seed official_calendar) lets a reader count working days from any date to the deadline;
-- long_holiday names the long holiday (春节 / 国庆节 runs of the official calendar) that the clock window
-- from event to deadline overlaps, for the long-holiday comparison.
-- 不予公示: a result with a nondisclosure reason and the decisions on it keep their row (they are
-- counted: status exempt, exempt_obligations) but their record_id is a masked token (macro
-- mask_nondisclosed), so the id never reaches the serving artefact; is_nondisclosed flags them.
-- Their dept_name is never the name as written in the record: the department's canonical name when
-- the name resolves, else NULL (an unresolved name could be anything the clerk typed).
with

obligations as (

    select * from {{ ref('int_publication__obligations') }}

),

departments as (

    select * from {{ ref('int_department__name_lookup') }}

),

tasks as (

    select * from {{ ref('stg_platform__task') }}

),

calendar as (

    select * from {{ ref('official_calendar') }}

),

long_holidays as (

    select * from {{ ref('int_calendar__long_holidays') }}

),

-- the long holiday inside each clock window (windows are at most a few weeks: one holiday at most)
windows as (

    select
        obligations.event_type,
        obligations.record_id,
        min(long_holidays.long_holiday) as long_holiday
    from obligations
    inner join long_holidays
        on long_holidays.first_day <= obligations.deadline_date
        and long_holidays.last_day >= obligations.event_date
    group by obligations.event_type, obligations.record_id

),

masked as (

    select
        obligations.*,
        {{ mask_nondisclosed('obligations.record_id', 'obligations.is_nondisclosed') }} as shown_record_id
    from obligations

),

final as (

    select
        {{ dbt.concat(["obligations.event_type", "'|'", "obligations.shown_record_id"]) }} as obligation_key,
        obligations.event_type,
        obligations.shown_record_id as record_id,
        obligations.task_id,
        tasks.task_name,
        departments.dept_code,
        departments.region_code,
        case
            when coalesce(obligations.is_nondisclosed, false) then departments.dept_name
            else obligations.dept_name
        end as dept_name,
        obligations.is_temporary_task,
        obligations.event_basis,
        obligations.event_date,
        cast(extract(year from obligations.event_date) as int) as year,
        obligations.working_days,
        obligations.deadline_date,
        deadline_day.working_day_seq as deadline_working_day_seq,
        obligations.published_date,
        obligations.status,
        obligations.working_days_late,
        obligations.is_due,
        obligations.is_late,
        obligations.exempt_reason is not null as is_exempt,
        coalesce(obligations.is_nondisclosed, false) as is_nondisclosed,
        obligations.list_draws,
        obligations.list_draws_published,
        case
            when obligations.deadline_date is not null then coalesce(windows.long_holiday, 'none')
        end as long_holiday,
        obligations.calendar_year_needed,
        obligations.as_of_date
    from masked as obligations
    left join departments
        on obligations.dept_name_key = departments.name_key
    left join tasks
        on obligations.task_id = tasks.task_id
    left join calendar as deadline_day
        on obligations.deadline_date = deadline_day.calendar_date
    left join windows
        on obligations.event_type = windows.event_type
        and obligations.record_id = windows.record_id

)

select * from final
