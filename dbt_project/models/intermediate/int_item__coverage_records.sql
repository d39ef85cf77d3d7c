-- 抽查事项覆盖率: listed items in force during the year that at least one task of the year lists /
-- listed items in force during the year, for the item's department. Rules in the .yml.
-- One row per register entry x year, is_used says whether it counts in the numerator; the mart counts them and
-- fct_metric_records lists them.
with

items as (

    select * from {{ ref('stg_platform__item') }}

),

departments as (

    select * from {{ ref('int_department__name_lookup') }}

),

tasks as (

    select * from {{ ref('int_task__resolved') }}

),

years as (

    select * from {{ ref('int_metric__years') }}

),

items_in_force as (

    select
        items.item_code,
        departments.dept_code,
        departments.region_code,
        years.year
    from items
    inner join departments
        on items.dept_name_key = departments.name_key
    inner join years
        on (items.valid_from is null or cast(extract(year from items.valid_from) as int) <= years.year)
        and (items.valid_to is null or cast(extract(year from items.valid_to) as int) >= years.year)
    where departments.dept_code is not null

),

task_items as (

    select
        year,
        {{ list_entries('item_codes') }} as item_entry
    from tasks

),

-- an equality join on the listed entries (a LIKE per item x task pair grew as their product)
used as (

    select distinct
        items_in_force.item_code,
        items_in_force.year
    from items_in_force
    inner join task_items
        on task_items.year = items_in_force.year
        and task_items.item_entry = {{ strip_whitespace(fold_full_width('items_in_force.item_code')) }}

),

records as (

    select
        items_in_force.dept_code,
        items_in_force.region_code,
        items_in_force.year,
        items_in_force.item_code,
        used.item_code is not null as is_used
    from items_in_force
    left join used
        on items_in_force.item_code = used.item_code
        and items_in_force.year = used.year

)

select * from records
