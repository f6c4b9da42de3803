import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Customer } from './customer.entity.js';

/** A person at a customer. At most one per customer is the billing contact (statements are mailed to them). */
@Entity('customer_contacts')
@Index('UQ_customer_contacts_one_billing', ['customerId'], { unique: true, where: '"billing"' })
export class CustomerContact {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ type: 'uuid' })
  customerId!: string;

  @ManyToOne(() => Customer, (c) => c.contacts, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  customer?: Relation<Customer>; // Relation<>: no decorator metadata naming Customer, whichever file loads first

  /** The order the contacts were given in. */
  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** Role or title, e.g. 采购部经理, 财务. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  title!: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  phone!: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ type: 'boolean', default: false })
  billing!: boolean;
}
