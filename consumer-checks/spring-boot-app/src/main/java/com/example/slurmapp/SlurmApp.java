package com.example.slurmapp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class SlurmApp {
    public static void main(String[] args) {
        SpringApplication.run(SlurmApp.class, args);
    }
}
