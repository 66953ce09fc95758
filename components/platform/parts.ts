import type * as pulumi from "@pulumi/pulumi";

/** What every part of the PlatformStamp is made with: names, labels and parents shared by all. */
export interface PlatformParts {
  /** The stamp's name, prefixing every child's. */
  readonly name: string;
  /** The stamp: the parent of every child, so URNs stay where they were when the parts were one. */
  readonly parent: pulumi.Resource;
  readonly namespace: pulumi.Output<string>;
  readonly labels: Record<string, string>;
  /** Metadata in the platform namespace, with the stamp's labels. */
  readonly inNs: (
    name: string,
    extra?: Record<string, string>,
  ) => {
    name: string;
    namespace: pulumi.Output<string>;
    labels: Record<string, string>;
  };
  /** Options of a child that lives in the namespace: parented, and after it. */
  readonly child: pulumi.CustomResourceOptions;
}
