"use client";

import { Field } from "@dotmac/ui";
import type { Draft, StepProps } from "./draft.ts";

/** Where the tenant runs: its database target (with the cloud's network), region and base domain. */
export function PlacementFields({ draft, bind, update, errors }: StepProps) {
  return (
    <fieldset>
      <legend>Where it runs</legend>
      <div className="ui-field">
        <label htmlFor="field-database">Database</label>
        <select
          id="field-database"
          value={draft.database}
          onChange={(e) => {
            const database = e.target.value as Draft["database"];
            update((d) => ({
              ...d,
              database,
              region: database === "postgres" ? "local" : d.region === "local" ? "" : d.region,
            }));
          }}
        >
          <option value="postgres">the platform's Postgres server</option>
          <option value="aws">Amazon RDS</option>
          <option value="gcp">Google Cloud SQL</option>
        </select>
      </div>
      {draft.database === "aws" ? (
        <>
          <Field label="VPC id" {...bind("awsVpcId")} error={errors["database.vpcId"]} />
          <Field
            label="Subnet ids (two zones at least)"
            {...bind("awsSubnetIds")}
            error={errors["database.subnetIds"] ?? errors["database.subnetIds.0"]}
          />
          <Field
            label="Cluster CIDRs"
            {...bind("awsClusterCidrs")}
            error={errors["database.clusterCidrs"] ?? errors["database.clusterCidrs.0"]}
          />
        </>
      ) : null}
      {draft.database === "gcp" ? (
        <>
          <Field label="GCP project" {...bind("gcpProject")} error={errors["database.project"]} />
          <Field label="VPC network" {...bind("gcpNetwork")} error={errors["database.network"]} />
        </>
      ) : null}
      <Field
        label="Region"
        {...bind("region")}
        disabled={draft.database === "postgres"}
        error={errors.region}
      />
      <Field
        label="Base domain (the app is at <slug>.isp.<base domain>)"
        {...bind("baseDomain")}
        error={errors.baseDomain}
      />
    </fieldset>
  );
}
