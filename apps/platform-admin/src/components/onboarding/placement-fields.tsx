"use client";

import { Field } from "@dotmac/ui";
import type { Draft, StepProps } from "./draft.ts";

/** Where the tenant runs: its database target (with the cloud's network), region and base domain. */
export function PlacementFields({ draft, set, update, errors }: StepProps) {
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
          <Field
            label="VPC id"
            name="awsVpcId"
            value={draft.awsVpcId}
            onChange={(e) => set("awsVpcId", e.target.value)}
            error={errors["database.vpcId"]}
          />
          <Field
            label="Subnet ids (two zones at least)"
            name="awsSubnetIds"
            value={draft.awsSubnetIds}
            onChange={(e) => set("awsSubnetIds", e.target.value)}
            error={errors["database.subnetIds"] ?? errors["database.subnetIds.0"]}
          />
          <Field
            label="Cluster CIDRs"
            name="awsClusterCidrs"
            value={draft.awsClusterCidrs}
            onChange={(e) => set("awsClusterCidrs", e.target.value)}
            error={errors["database.clusterCidrs"] ?? errors["database.clusterCidrs.0"]}
          />
        </>
      ) : null}
      {draft.database === "gcp" ? (
        <>
          <Field
            label="GCP project"
            name="gcpProject"
            value={draft.gcpProject}
            onChange={(e) => set("gcpProject", e.target.value)}
            error={errors["database.project"]}
          />
          <Field
            label="VPC network"
            name="gcpNetwork"
            value={draft.gcpNetwork}
            onChange={(e) => set("gcpNetwork", e.target.value)}
            error={errors["database.network"]}
          />
        </>
      ) : null}
      <Field
        label="Region"
        name="region"
        value={draft.region}
        disabled={draft.database === "postgres"}
        onChange={(e) => set("region", e.target.value)}
        error={errors.region}
      />
      <Field
        label="Base domain (the app is at <slug>.isp.<base domain>)"
        name="baseDomain"
        value={draft.baseDomain}
        onChange={(e) => set("baseDomain", e.target.value)}
        error={errors.baseDomain}
      />
    </fieldset>
  );
}
