/** The associated data each sealed secret is bound to: its row. */
export const sealedFor = {
  radiusPassword: (subscriberId: string) => `radius:${subscriberId}`,
  nasSecret: (nasId: string) => `nas:${nasId}`,
};
