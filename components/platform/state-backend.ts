import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export type StateBackendArgs =
  | { readonly target: "aws"; readonly name: string; readonly tags: Record<string, string> }
  | {
      readonly target: "gcp";
      readonly name: string;
      readonly project: string;
      readonly region: string;
      readonly labels: Record<string, string>;
    };

/**
 * Where the automation API keeps tenant stacks' state and how it encrypts their secrets: a
 * versioned, encrypted, private bucket and a KMS key with rotation.
 */
export class StateBackend extends pulumi.ComponentResource {
  /** PULUMI_BACKEND_URL for the automation API. */
  readonly backendUrl: pulumi.Output<string>;
  /** The --secrets-provider for new stacks. */
  readonly secretsProvider: pulumi.Output<string>;

  constructor(name: string, args: StateBackendArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dotmac:platform:StateBackend", name, {}, opts);
    if (args.target === "aws") {
      const key = new aws.kms.Key(
        `${name}-key`,
        {
          description: "DotMac Pulumi stack secrets",
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          tags: args.tags,
        },
        { parent: this },
      );
      const alias = new aws.kms.Alias(
        `${name}-alias`,
        { name: `alias/${args.name}`, targetKeyId: key.keyId },
        { parent: this },
      );
      const bucket = new aws.s3.Bucket(
        `${name}-bucket`,
        { bucket: args.name, forceDestroy: false, tags: args.tags },
        { parent: this },
      );
      new aws.s3.BucketVersioning(
        `${name}-versioning`,
        { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
        { parent: this },
      );
      new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-encryption`,
        {
          bucket: bucket.id,
          rules: [
            {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
              bucketKeyEnabled: true,
            },
          ],
        },
        { parent: this },
      );
      new aws.s3.BucketPublicAccessBlock(
        `${name}-public-access`,
        {
          bucket: bucket.id,
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        },
        { parent: this },
      );
      this.backendUrl = pulumi.interpolate`s3://${bucket.bucket}`;
      this.secretsProvider = pulumi.interpolate`awskms://${alias.name}`;
    } else {
      const ring = new gcp.kms.KeyRing(
        `${name}-ring`,
        { project: args.project, location: args.region, name: args.name },
        { parent: this },
      );
      const key = new gcp.kms.CryptoKey(
        `${name}-key`,
        { keyRing: ring.id, name: "pulumi-secrets", rotationPeriod: "7776000s", labels: args.labels },
        { parent: this, protect: true },
      );
      // Cloud Storage encrypts with the key as its own service agent, which needs the key's role.
      const agent = gcp.storage.getProjectServiceAccountOutput({ project: args.project }, { parent: this });
      const grant = new gcp.kms.CryptoKeyIAMMember(
        `${name}-storage-agent`,
        {
          cryptoKeyId: key.id,
          role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
          member: pulumi.interpolate`serviceAccount:${agent.emailAddress}`,
        },
        { parent: this },
      );
      const bucket = new gcp.storage.Bucket(
        `${name}-bucket`,
        {
          project: args.project,
          name: args.name,
          location: args.region,
          versioning: { enabled: true },
          uniformBucketLevelAccess: true,
          publicAccessPrevention: "enforced",
          encryption: { defaultKmsKeyName: key.id },
          labels: args.labels,
        },
        { parent: this, dependsOn: [grant] },
      );
      this.backendUrl = pulumi.interpolate`gs://${bucket.name}`;
      this.secretsProvider = pulumi.interpolate`gcpkms://${key.id}`;
    }
    this.registerOutputs({ backendUrl: this.backendUrl, secretsProvider: this.secretsProvider });
  }
}
