export * from './config';
export * from './service';
export * from './migrations';
// For the control plane: quotas and usage, read and set directly on the shared database.
export { getOrgQuota, setOrgQuota, getOrgUsage, getBucketUsage, NO_QUOTA, type OrgQuota, type OrgUsage } from './usage-store';
export { getUsageHourly, type HourlyUsage } from './usage-hourly';
