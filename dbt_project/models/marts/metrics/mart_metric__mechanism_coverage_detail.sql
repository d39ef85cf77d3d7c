-- 制度机制全覆盖 per member department x year x basis (annual / milestone): each component in place or
-- not and the missing ones. Rules in mart_metric__mechanism_coverage_detail.yml.
{%- set milestone_date = var('mechanism_milestone_date', '2020-09-30') %}

with

members as (

    select * from {{ ref('stg_platform__department') }}
    where is_member

),

departments as (

    select * from {{ ref('int_department__name_lookup') }}
    where dept_code is not null

),

years as (

    select * from {{ ref('int_metric__years') }}

),

objects as (

    select * from {{ ref('stg_platform__object') }}

),

items as (

    select
        departments.dept_code,
        stg.item_code,
        stg.published_date,
        stg.valid_from,
        stg.valid_to
    from {{ ref('stg_platform__item') }} as stg
    inner join departments
        on stg.dept_name_key = departments.name_key

),

inspectors as (

    select
        departments.dept_code,
        stg.inspector_id,
        stg.active_from,
        stg.active_to
    from {{ ref('stg_platform__inspector') }} as stg
    inner join departments
        on stg.dept_name_key = departments.name_key

),

plans as (

    select
        departments.dept_code,
        stg.plan_id,
        cast(stg.plan_year as int) as plan_year,
        stg.filed_date,
        coalesce(stg.is_enterprise_related, false) as is_enterprise_related,
        stg.approved_date
    from {{ ref('stg_platform__plan') }} as stg
    inner join departments
        on stg.dept_name_key = departments.name_key

),

bases as (

    select
        year,
        'annual' as basis,
        cast(null as date) as as_of_date
    from years

    union all

    select
        year,
        'milestone' as basis,
        cast('{{ milestone_date }}' as date) as as_of_date
    from years
    where year = {{ milestone_date[:4] | int }}

),

spine as (

    select
        members.dept_code,
        members.dept_name,
        members.region_code,
        bases.year,
        bases.basis,
        bases.as_of_date
    from members
    cross join bases

),

item_check as (

    select
        spine.dept_code,
        spine.year,
        spine.basis,
        count(items.item_code) > 0 as has_item_list
    from spine
    left join items
        on spine.dept_code = items.dept_code
        and items.published_date is not null
        and case
            when spine.basis = 'annual' then
                cast(extract(year from items.published_date) as int) <= spine.year
                and (items.valid_from is null or cast(extract(year from items.valid_from) as int) <= spine.year)
                and (items.valid_to is null or cast(extract(year from items.valid_to) as int) >= spine.year)
            else
                items.published_date <= spine.as_of_date
                and (items.valid_from is null or items.valid_from <= spine.as_of_date)
                and (items.valid_to is null or items.valid_to >= spine.as_of_date)
        end
    group by spine.dept_code, spine.year, spine.basis

),

inspector_check as (

    select
        spine.dept_code,
        spine.year,
        spine.basis,
        count(inspectors.inspector_id) > 0 as has_inspector_register
    from spine
    left join inspectors
        on spine.dept_code = inspectors.dept_code
        and case
            when spine.basis = 'annual' then
                (inspectors.active_from is null or cast(extract(year from inspectors.active_from) as int) <= spine.year)
                and (inspectors.active_to is null or cast(extract(year from inspectors.active_to) as int) >= spine.year)
            else
                (inspectors.active_from is null or inspectors.active_from <= spine.as_of_date)
                and (inspectors.active_to is null or inspectors.active_to >= spine.as_of_date)
        end
    group by spine.dept_code, spine.year, spine.basis

),

plan_check as (

    select
        spine.dept_code,
        spine.year,
        spine.basis,
        -- before 1 March of the plan year (28/29 February in time, 1 March late); milestone: by its date.
        -- [design] In the milestone's own year (2020: the policy was issued mid-year) no department could
        -- file before 1 March, so that year's annual check takes the milestone date as the deadline.
        count(*) filter (where
            case
                when spine.basis = 'annual' and spine.year = {{ milestone_date[:4] | int }} then
                    plans.filed_date <= cast('{{ milestone_date }}' as date)
                when spine.basis = 'annual' then
                    cast(extract(year from plans.filed_date) as int) < spine.year
                    or (cast(extract(year from plans.filed_date) as int) = spine.year
                        and cast(extract(month from plans.filed_date) as int) < 3)
                else plans.filed_date <= spine.as_of_date
            end
        ) > 0 as has_plan_filed_in_time,
        count(*) filter (where
            plans.is_enterprise_related
            and (plans.approved_date is null
                or (spine.basis = 'milestone' and plans.approved_date > spine.as_of_date))
        ) = 0 as has_plan_approval
    from spine
    left join plans
        on spine.dept_code = plans.dept_code
        and plans.plan_year = spine.year
    group by spine.dept_code, spine.year, spine.basis

),

register as (

    select count(*) > 0 as has_object_register
    from objects

),

components as (

    select
        spine.dept_code,
        spine.dept_name,
        spine.region_code,
        spine.year,
        spine.basis,
        spine.as_of_date,
        item_check.has_item_list,
        register.has_object_register,
        inspector_check.has_inspector_register,
        coalesce(plan_check.has_plan_filed_in_time, false) as has_plan_filed_in_time,
        coalesce(plan_check.has_plan_approval, true) as has_plan_approval
    from spine
    cross join register
    inner join item_check
        on spine.dept_code = item_check.dept_code
        and spine.year = item_check.year
        and spine.basis = item_check.basis
    inner join inspector_check
        on spine.dept_code = inspector_check.dept_code
        and spine.year = inspector_check.year
        and spine.basis = inspector_check.basis
    inner join plan_check
        on spine.dept_code = plan_check.dept_code
        and spine.year = plan_check.year
        and spine.basis = plan_check.basis

),

listed as (

    select
        components.*,
        {{ dbt.concat([
            "case when has_item_list then '' else 'item_list;' end",
            "case when has_object_register then '' else 'object_register;' end",
            "case when has_inspector_register then '' else 'inspector_register;' end",
            "case when has_plan_filed_in_time then '' else 'plan_filed;' end",
            "case when has_plan_approval then '' else 'plan_approval;' end",
        ]) }} as missing_list
    from components

),

final as (

    select
        dept_code,
        dept_name,
        region_code,
        year,
        basis,
        as_of_date,
        has_item_list,
        has_object_register,
        has_inspector_register,
        has_plan_filed_in_time,
        has_plan_approval,
        missing_list = '' as is_complete,
        case when missing_list <> '' then substring(missing_list, 1, length(missing_list) - 1) end
            as missing_components
    from listed

)

select * from final
