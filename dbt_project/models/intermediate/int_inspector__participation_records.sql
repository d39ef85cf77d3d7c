-- Inspector participation: inspectors in the register during the year who were matched at least once
-- to a task of the year / inspectors in the register during the year, for the inspector's department.
-- Rules in the .yml.
-- One row per register entry x year, is_matched says whether it counts in the numerator; the mart counts them and
-- fct_metric_records lists them.
with

inspectors as (

    select * from {{ ref('stg_platform__inspector') }}

),

departments as (

    select * from {{ ref('int_department__name_lookup') }}

),

assignments as (

    select * from {{ ref('stg_platform__assignment') }}

),

tasks as (

    select * from {{ ref('int_task__resolved') }}

),

years as (

    select * from {{ ref('int_metric__years') }}

),

registered as (

    select
        inspectors.inspector_id,
        departments.dept_code,
        departments.region_code,
        years.year
    from inspectors
    inner join departments
        on inspectors.dept_name_key = departments.name_key
    inner join years
        on (inspectors.active_from is null or cast(extract(year from inspectors.active_from) as int) <= years.year)
        and (inspectors.active_to is null or cast(extract(year from inspectors.active_to) as int) >= years.year)
    where departments.dept_code is not null

),

matched as (

    select distinct
        assignments.inspector_id,
        tasks.year
    from assignments
    inner join tasks
        on assignments.task_id = tasks.task_id
    where tasks.year is not null

),

records as (

    select
        registered.dept_code,
        registered.region_code,
        registered.year,
        registered.inspector_id,
        matched.inspector_id is not null as is_matched
    from registered
    left join matched
        on registered.inspector_id = matched.inspector_id
        and registered.year = matched.year

)

select * from records
